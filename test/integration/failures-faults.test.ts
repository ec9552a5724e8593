import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { YouTubeEmulator } from '../fakes/youtube-emulator.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE, type Workspace } from '../support/database.js';
import { startScenario, type Scenario } from '../support/scenario.js';
import { INTACT, integrity, ledgerUnits } from '../support/failures.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { minimumUnits } from '../support/quota.js';

describe(`20% faults (${TEST_DATABASE})`, () => {
  let emulator: YouTubeEmulator;
  let ws: Workspace;
  let scenario: Scenario;

  beforeEach(async () => {
    scenario = await startScenario({ seed: 20, playlists: 6, items: 400, likes: 60, deletedRate: 0.05, privateRate: 0.05, duplicateRate: 0.03 });
    ({ emulator, ws } = scenario);
  });
  afterEach(() => scenario.stop());

  it('5xx, connection resets and rate limits on 20% of requests → exit 0, exact mirror, every unit in the ledger', async () => {
    emulator.faults.set({ seed: 2020, latencyMs: 2, serverErrorRate: 0.08, resetRate: 0.06, rateLimitRate: 0.06 });
    const expected = emulator.library.expectedMirror();
    const minimum = minimumUnits(expected);

    const result = await runInProcess(['pull', '--json'], ws.env);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.outcome).toBe('complete');
    expect(result.stderr).not.toMatch(/\n\s+at /);

    const faults = emulator.requests.filter((r) => r.fault !== undefined);
    const kinds = new Set(faults.map((r) => (r.fault === 'reset' ? 'reset' : r.fault === '500' || r.fault === '503' ? '5xx' : 'rate limit')));
    console.log(
      `[faults ${TEST_DATABASE}] ${emulator.stats.requests} requests, ${faults.length} faults (${faults.map((f) => f.fault).join(' ')}), units ${emulator.quota.used}, minimum ${minimum}`,
    );
    expect([...kinds].sort()).toEqual(['5xx', 'rate limit', 'reset']);
    expect(faults.length / emulator.stats.requests).toBeGreaterThanOrEqual(0.1);
    // Each failed request costs its unit and is retried once per failure; nothing else is spent.
    expect(emulator.quota.used).toBe(minimum + faults.length);
    expect(summary.unitsSpent).toBe(emulator.quota.used);

    await ws.withDb(async (db) => {
      expect(await ledgerUnits(db)).toBe(emulator.quota.used);
      expect(await integrity(db)).toEqual(INTACT);
      expectExactMirror(await readMirror(db), expected);
    });
  });

  it('a page that fails every attempt: exit 1 after the last one, one line naming it, every unit counted; the next pull finishes exactly', async () => {
    // One worker, so that the queued failures are all one request's attempts.
    emulator.faults.failNext(8, '503', 'playlistItems');
    const failed = await runInProcess(['pull', '--json', '--concurrency', '1'], ws.env);
    expect(failed.code, failed.stderr).toBe(1);
    const lastLine = failed.stderr.trim().split('\n').at(-1)!;
    expect(lastLine).toMatch(/^ytsync: playlistItems\.list kept failing \(backendError\) after 8 attempts; progress is saved, run `ytsync pull` again later\.$/);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    // Seven waits, each within its equal-jitter band: half to all of 250 ms × 2^(retry − 1).
    const waits = [...failed.stderr.matchAll(/retrying in ([\d.]+) s \(attempt (\d)\)/g)].map((m) => ({ ms: Number(m[1]) * 1000, attempt: Number(m[2]) }));
    expect(waits.map((w) => w.attempt)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    for (const { ms, attempt } of waits) {
      const ceiling = 250 * 2 ** (attempt - 2);
      expect(ms).toBeGreaterThanOrEqual(ceiling / 2 - 50); // printed to 0.1 s
      expect(ms).toBeLessThanOrEqual(ceiling + 50);
    }
    expect(emulator.faults.pending).toBe(0);
    expect(JSON.parse(failed.stdout)).toEqual({ outcome: 'failed', exitCode: 1, error: lastLine.slice('ytsync: '.length) });
    // The failed run's units, the eight attempts included, are what YouTube charged.
    const status = JSON.parse((await runInProcess(['status', '--json'], ws.env)).stdout);
    expect(status.lastRun).toMatchObject({ outcome: 'failed', unitsSpent: emulator.quota.used });
    await ws.withDb(async (db) => {
      expect(await ledgerUnits(db)).toBe(emulator.quota.used);
      expect(await integrity(db)).toEqual(INTACT);
    });

    const again = await runInProcess(['pull', '--json'], ws.env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'complete', resumed: true });
    await ws.withDb(async (db) => expectExactMirror(await readMirror(db), emulator.library.expectedMirror()));
  });

  it('a request YouTube calls bad (400): exit 1 at once with one line naming it, not retried; the next pull finishes exactly', async () => {
    emulator.faults.failNext(1, 'badRequest', 'videos');
    const failed = await runInProcess(['pull', '--json'], ws.env);
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr.trim().split('\n').at(-1)).toBe('ytsync: videos.list failed: badRequest');
    expect(failed.stderr).not.toMatch(/retrying in|\n\s+at /);
    expect(emulator.requests.filter((r) => r.status === 400)).toHaveLength(1);
    const status = JSON.parse((await runInProcess(['status', '--json'], ws.env)).stdout);
    expect(status.lastRun).toMatchObject({ outcome: 'failed', unitsSpent: emulator.quota.used });

    const again = await runInProcess(['pull', '--json'], ws.env);
    expect(again.code, again.stderr).toBe(0);
    await ws.withDb(async (db) => expectExactMirror(await readMirror(db), emulator.library.expectedMirror()));
  });
});
