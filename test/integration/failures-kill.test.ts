import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Rng } from '../fakes/rng.js';
import { YouTubeEmulator, type RequestInfo } from '../fakes/youtube-emulator.js';
import { spawnCli } from '../support/cli.js';
import { TEST_DATABASE, type Workspace } from '../support/database.js';
import { startScenario, type Scenario } from '../support/scenario.js';
import { INTACT, integrity, referenceRequests } from '../support/failures.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { minimumUnits } from '../support/quota.js';
import { interruption, verificationUnits, type Interruption } from '../support/resume.js';

const CONCURRENCY = 4;
const KILLS = 10;
const PASS_OF = { channels: 1, playlists: 1, subscriptions: 1, playlistItems: 2, videos: 3 } as const;
type Resource = keyof typeof PASS_OF;
/** The order in which a first sync asks for each resource. */
const ORDER: Record<Resource, number> = { channels: 0, playlists: 1, subscriptions: 2, playlistItems: 3, videos: 4 };

/**
 * Draws `n` distinct positions (1-based) of the reference request sequence, sorted, with at
 * least one in each pass (channels/playlists/subscriptions, items, videos). Seeded: the same plan every run.
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

  it(`${KILLS} kills across all three passes → exact mirror; a list read to its end is never fetched again; units within the bound`, async () => {
    const expected = emulator.library.expectedMirror();
    const minimum = minimumUnits(expected);
    // A full first sync makes exactly these requests (pull-mirror.test.ts: units == minimum).
    const reference = referenceRequests(expected);
    expect(reference.length).toBe(minimum);
    const plan = killPlan(reference, KILLS, 0xdead);

    const counts: Record<string, number> = { channels: 0, playlists: 0, subscriptions: 0, playlistItems: 0, videos: 0 };
    // Which attempts asked for each list's items.
    const listFetchedBy = new Map<string, Set<number>>();
    let attempt = 0;
    let onRequest: (info: RequestInfo) => void = () => undefined;
    emulator.on('request', (info: RequestInfo) => {
      counts[info.resource] = (counts[info.resource] ?? 0) + 1;
      if (info.resource === 'playlistItems') listFetchedBy.set(info.query.playlistId!, (listFetchedBy.get(info.query.playlistId!) ?? new Set()).add(attempt));
      onRequest(info);
    });

    const kills: Array<{ target: string; at: string; seq: number }> = [];
    const stops: Interruption[] = [];
    for (const point of plan) {
      // The point's cumulative count of its resource, but at least one request into this attempt.
      const target = Math.max(point.ordinal, counts[point.resource]! + 1);
      attempt++;
      const { child, done } = spawnCli(['pull', '--concurrency', String(CONCURRENCY)], ws.env);
      let killedAt: { resource: Resource; count: number; seq: number } | undefined;
      onRequest = (info) => {
        if (killedAt) return;
        const resource = info.resource as Resource;
        const due = resource === point.resource ? counts[resource]! >= target : ORDER[resource] > ORDER[point.resource];
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
      stops.push(await ws.withDb(interruption));
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

    // Quota (README's bound): the minimum; plus, per kill, the pages stored of the lists it left
    // partly read (read again from the start) and one call to read the list of playlists again
    // when lists were left; plus what was in flight at the kill and never stored: per worker,
    // the page being written and the next one already requested (2 × concurrency).
    const used = emulator.quota.used;
    const verified = stops.reduce((n, stop) => n + verificationUnits(stop, expected.playlists.length), 0);
    const inFlight = used - minimum - verified;
    console.log(
      `[kill -9 ${TEST_DATABASE}] reference ${minimum} requests, kills ${JSON.stringify(kills)}; units ${used} = minimum ${minimum} + ` +
        `${verified} verifying what the kills left partly read + ${inFlight} lost in flight (bound ${KILLS * 2 * CONCURRENCY}); units at last kill ${unitsAtLastKill}`,
    );
    expect(inFlight).toBeGreaterThanOrEqual(0);
    expect(inFlight).toBeLessThanOrEqual(KILLS * 2 * CONCURRENCY);
    // A list whose read was complete when a kill landed is never asked for again in this run.
    for (const [k, stop] of stops.entries()) {
      for (const list of stop.doneLists) {
        const later = [...(listFetchedBy.get(list) ?? [])].filter((a) => a > k + 1);
        expect(later, `list ${list}, done at kill ${k + 1}`).toEqual([]);
      }
    }
  });
});
