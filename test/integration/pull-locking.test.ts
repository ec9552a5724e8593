import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnCli, type CliResult } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { minimumUnits } from '../support/quota.js';
import { expectNoStackTrace, startScenario, type Scenario } from '../support/scenario.js';

/**
 * Issue 2, acceptance 6: two `ytsync pull` processes on one database (an advisory lock, on the
 * user's server and on the private one alike). Child processes of the built program (`npm run build`),
 * since the lock is per process; emulator latency keeps the first one busy for a while.
 */
describe(`two concurrent pulls on one database (${TEST_DATABASE})`, () => {
  let s: Scenario;

  beforeEach(async () => {
    s = await startScenario({ seed: 51, playlists: 6, items: 300, likes: 40 });
    // Long enough that the first is still running when the second has started up (~0.5 s).
    s.emulator.faults.set({ latencyMs: 120 });
  });
  afterEach(async () => {
    await s.stop();
  });

  const timed = (done: Promise<CliResult>, started = Date.now()) => done.then((r) => ({ ...r, ms: Date.now() - started }));

  it('the second exits 4 at once, naming the holder; the first completes an exact mirror', async () => {
    const first = spawnCli(['pull'], s.ws.env);
    const firstDone = timed(first.done);
    // The first is surely running (and holds the lock) once YouTube sees its first request.
    await new Promise<void>((resolve, reject) => {
      s.emulator.once('request', () => resolve());
      firstDone.then((r) => reject(new Error(`first pull ended before any request (exit ${r.code}):\n${r.stderr}`)), reject);
    });

    const second = await timed(spawnCli(['pull'], s.ws.env).done);
    expect(second.code, second.stderr).toBe(4);
    expect(second.stderr).toMatch(/another ytsync|in use by another/);
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    expectNoStackTrace(second.stderr);
    expect(second.ms).toBeLessThan(10_000);
    const firstResult = await firstDone;
    // It gave up while the first was still running.
    expect(second.ms).toBeLessThan(firstResult.ms);

    expect(firstResult.code, firstResult.stderr).toBe(0);
    const expected = s.emulator.library.expectedMirror();
    // One run's worth of requests: the second asked YouTube nothing.
    expect(s.emulator.quota.used).toBeLessThanOrEqual(minimumUnits(expected));
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
  });

  it('started together: exactly one runs, the other exits 4 naming it', async () => {
    const a = spawnCli(['pull'], s.ws.env);
    const b = spawnCli(['pull'], s.ws.env);
    const results = await Promise.all([a.done, b.done]);
    const codes = results.map((r) => r.code).sort((x, y) => x - y);
    expect(codes, results.map((r) => r.stderr).join('\n---\n')).toEqual([0, 4]);
    const loser = results[0]!.code === 4 ? 0 : 1;
    const winner = [a, b][1 - loser]!;
    expect(results[loser]!.stderr, results[loser]!.stderr).toContain(`pid ${winner.child.pid}`);
    expectNoStackTrace(results[loser]!.stderr);

    const expected = s.emulator.library.expectedMirror();
    // One run's worth of requests: the loser asked YouTube nothing.
    expect(s.emulator.quota.used).toBeLessThanOrEqual(minimumUnits(expected));
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
  });
});
