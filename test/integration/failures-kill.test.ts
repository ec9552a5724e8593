import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Rng } from '../fakes/rng.js';
import { YouTubeEmulator, type RequestInfo } from '../fakes/youtube-emulator.js';
import { spawnCli } from '../support/cli.js';
import { TEST_DATABASE, type Workspace } from '../support/database.js';
import { startScenario, type Scenario } from '../support/scenario.js';
import { INTACT, integrity, referenceRequests } from '../support/failures.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { minimumUnits } from '../support/quota.js';

const CONCURRENCY = 4;
const KILLS = 10;
const PASS_OF = { channels: 1, playlists: 1, playlistItems: 2, videos: 3 } as const;
type Resource = keyof typeof PASS_OF;

/**
 * Draws `n` distinct positions (1-based) of the reference request sequence, sorted, with at
 * least one in each pass (channels/playlists, items, videos). Seeded: the same plan every run.
 */
function killPlan(reference: Resource[], n: number, seed: number): Array<{ resource: Resource; ordinal: number; position: number }> {
  const rng = new Rng(seed);
  for (;;) {
    const positions = new Set<number>();
    while (positions.size < n) positions.add(rng.int(1, reference.length));
    const sorted = [...positions].sort((a, b) => a - b);
    const passes = new Set(sorted.map((p) => PASS_OF[reference[p - 1]!]));
    if (passes.size < 3) continue;
    return sorted.map((position) => {
      const resource = reference[position - 1]!;
      const ordinal = reference.slice(0, position).filter((r) => r === resource).length;
      return { resource, ordinal, position };
    });
  }
}

describe(`kill -9 at seeded random moments, then pull again (${TEST_DATABASE})`, () => {
  let emulator: YouTubeEmulator;
  let ws: Workspace;
  let scenario: Scenario;

  beforeEach(async () => {
    scenario = await startScenario({ seed: 404, playlists: 6, items: 420, likes: 70, deletedRate: 0.05, privateRate: 0.05, duplicateRate: 0.03 });
    ({ emulator, ws } = scenario);
    // Requests take a little while, so several are in flight when the kill lands.
    emulator.faults.set({ latencyMs: 8 });
  });
  afterEach(() => scenario.stop());

  it(`${KILLS} kills across all three passes → exact mirror, no stored page fetched again`, async () => {
    const expected = emulator.library.expectedMirror();
    const minimum = minimumUnits(expected);
    // A full first sync makes exactly these requests (pull-mirror.test.ts: units == minimum).
    const reference = referenceRequests(expected);
    expect(reference.length).toBe(minimum);
    const plan = killPlan(reference, KILLS, 0xdead);

    const counts: Record<string, number> = { channels: 0, playlists: 0, playlistItems: 0, videos: 0 };
    // Which attempts fetched each list page (playlists.list mine=true and playlistItems pages).
    const fetchedBy = new Map<string, number[]>();
    let attempt = 0;
    let onRequest: (info: RequestInfo) => void = () => undefined;
    emulator.on('request', (info: RequestInfo) => {
      counts[info.resource] = (counts[info.resource] ?? 0) + 1;
      if (info.resource === 'playlistItems' || (info.resource === 'playlists' && info.query.mine === 'true')) {
        const key = `${info.resource} ${info.query.playlistId ?? ''} ${info.query.pageToken ?? ''}`;
        fetchedBy.set(key, [...(fetchedBy.get(key) ?? []), attempt]);
      }
      onRequest(info);
    });

    const kills: Array<{ target: string; at: string; seq: number }> = [];
    for (const point of plan) {
      // The point's cumulative count of its resource, but at least one request into this attempt.
      const target = Math.max(point.ordinal, counts[point.resource]! + 1);
      attempt++;
      const { child, done } = spawnCli(['pull', '--concurrency', String(CONCURRENCY)], ws.env);
      let killedAt: { resource: Resource; count: number; seq: number } | undefined;
      onRequest = (info) => {
        if (killedAt) return;
        const resource = info.resource as Resource;
        const due = resource === point.resource ? counts[resource]! >= target : PASS_OF[resource] > PASS_OF[point.resource];
        if (due) {
          killedAt = { resource, count: counts[resource]!, seq: info.seq };
          child.kill('SIGKILL');
        }
      };
      const result = await done;
      // Requests the dead pull had in flight are still answered (and charged) by the emulator:
      // let them land before the next attempt starts, so that they count for this one.
      await new Promise((resolve) => setTimeout(resolve, 250));
      onRequest = () => undefined;
      expect(result.code, `attempt ${kills.length + 1} (planned kill at ${point.resource} #${target}):\n${result.stderr}`).toBe(137);
      kills.push({ target: `${point.resource} #${target}`, at: `${killedAt!.resource} #${killedAt!.count}`, seq: killedAt!.seq });
    }
    const killedIn = new Set(kills.map((k) => PASS_OF[k.at.split(' ')[0] as Resource]));
    expect([...killedIn].sort()).toEqual([1, 2, 3]);
    const unitsAtLastKill = emulator.quota.used;

    // No kill any more: pull until it finishes (it must not take more than one).
    attempt++;
    const final = await spawnCli(['pull', '--json', '--concurrency', String(CONCURRENCY)], ws.env).done;
    expect(final.code, final.stderr).toBe(0);
    expect(JSON.parse(final.stdout).outcome).toBe('complete');

    await ws.withDb(async (db) => {
      expect(await integrity(db)).toEqual(INTACT);
      expectExactMirror(await readMirror(db), expected);
    });

    // Quota: each kill loses at most, per worker, the page being written and the next page,
    // already requested while the first was written (2 × concurrency); the resumed items pass
    // then spends at most one playlists.list?id call (≤ 50 playlists left) and one first-page
    // check of a partly read Liked list.
    const used = emulator.quota.used;
    const waste = used - minimum;
    const bound = KILLS * (2 * CONCURRENCY + 2);
    // A page fetched again was lost by the attempt that fetched it before. The Liked list's first
    // page is also read again on purpose, to learn whether a partly read Liked list changed.
    const lost = new Array<number>(attempt + 1).fill(0);
    let likesChecks = 0;
    for (const [key, attempts] of fetchedBy) {
      if (key === `playlistItems ${expected.likesPlaylistId} `) {
        likesChecks += attempts.length - 1;
        continue;
      }
      for (const a of attempts.slice(0, -1)) lost[a]!++;
    }
    const probes = counts.playlists! - reference.filter((r) => r === 'playlists').length;
    console.log(
      `[kill -9 ${TEST_DATABASE}] reference ${minimum} requests, kills ${JSON.stringify(kills)}; units ${used} = minimum ${minimum} + ${waste} ` +
        `(bound +${bound}); units at last kill ${unitsAtLastKill}; list pages lost per attempt ${JSON.stringify(lost.slice(1))}; ` +
        `playlists.list?id probes ${probes}, Liked list first-page checks ${likesChecks}`,
    );
    expect(used).toBeLessThanOrEqual(minimum + bound);
    // No page stored by an attempt is fetched again: an attempt loses at most the pages in flight
    // when it was killed (per worker: the one being written and the one requested meanwhile).
    for (const [i, n] of lost.entries()) expect(n, `pages lost by attempt ${i}`).toBeLessThanOrEqual(2 * CONCURRENCY);
    expect(lost[attempt]).toBe(0);
  });
});
