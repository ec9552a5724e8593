import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { YouTubeEmulator, type RequestInfo } from '../fakes/youtube-emulator.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE, type Workspace } from '../support/database.js';
import { startScenario, type Scenario } from '../support/scenario.js';
import { INTACT, integrity, ledgerUnits } from '../support/failures.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { minimumUnits } from '../support/quota.js';
import { interruption, verificationUnits, type Interruption } from '../support/resume.js';
import { decodePageToken } from '../fakes/api-resources.js';

const pages = (n: number): number => Math.max(1, Math.ceil(n / 50));

interface StatePoint {
  pass: string;
  playlist_youtube_id: string | null;
  next_page_token: string | null;
  items_fetched: number;
  done: boolean;
}

/** The stored resume points, after checking that the rows written so far are intact. */
async function resumePoints(ws: Workspace): Promise<StatePoint[]> {
  return ws.withDb(async (db) => {
    expect(await integrity(db)).toEqual(INTACT);
    const result = (await db.execute(
      sql`SELECT pass, playlist_youtube_id, next_page_token, items_fetched, done FROM sync_state ORDER BY id`,
    )) as unknown as { rows: StatePoint[] };
    return result.rows;
  });
}

type Req = Pick<RequestInfo, 'resource' | 'query'>;
interface Stop {
  name: string;
  /** The request before which the quota runs out (emulator's exhaustAt, in arrival order). */
  at: (r: Req) => boolean;
  /** Which request must have been the first one refused. */
  refused: (r: Req) => boolean;
  variant?: 'quotaExceeded' | 'dailyLimitExceeded';
  concurrency?: number;
  /** What the stored resume points must say after the stop. */
  check?: (points: StatePoint[]) => void;
}

describe(`quota exhausted at every pass boundary (${TEST_DATABASE})`, () => {
  let emulator: YouTubeEmulator;
  let ws: Workspace;
  let scenario: Scenario;

  beforeEach(async () => {
    scenario = await startScenario({ seed: 75, playlists: 5, items: 300, likes: 60, deletedRate: 0.05, privateRate: 0.05, duplicateRate: 0.03, subscriptions: 120 });
    ({ emulator, ws } = scenario);
    emulator.faults.set({ latencyMs: 2 });
  });
  afterEach(() => scenario.stop());

  it('stops at channels.list, the first playlists page, the first and a middle subscriptions page, the first items page, between playlists, mid-items (dailyLimitExceeded, 4 workers), the first and the last videos batch → 75 each time; after the reset the run completes exact', async () => {
    const expected = emulator.library.expectedMirror();
    const minimum = minimumUnits(expected);

    // With --concurrency 1 the request order is fixed: channels, playlists pages, subscriptions
    // pages, each playlist's pages in playlists.list order then the Liked list, then the videos batches.
    const lists = [...expected.playlists.map((p) => p.id), expected.likesPlaylistId!];
    const itemPages = lists.map((id) => pages(expected.items[id]!.length));
    const videoBatches = Math.ceil(new Set(Object.values(expected.items).flat().map((i) => i.videoId)).size / 50);
    const subscriptionPages = pages(expected.subscriptionsPaged);
    expect(subscriptionPages).toBe(3);
    expect(1 + pages(expected.playlists.length) + subscriptionPages + itemPages.reduce((a, b) => a + b, 0) + videoBatches).toBe(minimum);
    // "Between playlists": right after the first playlist that takes more than one page.
    const j = itemPages.findIndex((n) => n >= 2);
    expect(j).toBeGreaterThanOrEqual(0);
    expect(itemPages.slice(j + 1).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(5);

    const firstPage = (r: Req, resource: string, playlistId?: string) =>
      r.resource === resource && !r.query.pageToken && (playlistId === undefined || r.query.playlistId === playlistId);
    const done = (points: StatePoint[], pass: string) => points.filter((p) => p.pass === pass && p.done);
    let arrived = 0; // requests counted by the `at` of the current stop
    let itemsFetchedBefore = 0;
    const stops: Stop[] = [
      { name: 'channels.list', at: () => true, refused: (r) => r.resource === 'channels' },
      { name: 'the first playlists page', at: (r) => r.resource === 'playlists', refused: (r) => firstPage(r, 'playlists') && r.query.mine === 'true' },
      {
        name: 'the first subscriptions page',
        at: (r) => r.resource === 'subscriptions',
        refused: (r) => firstPage(r, 'subscriptions'),
        check: (points) => {
          expect(done(points, 'playlists')).toHaveLength(1);
          expect(points.find((p) => p.pass === 'subscriptions')).toMatchObject({ next_page_token: null, items_fetched: 0, done: false });
          expect(points.filter((p) => p.pass === 'items')).toHaveLength(0);
        },
      },
      {
        name: 'a middle subscriptions page',
        at: (r) => r.resource === 'subscriptions' && ++arrived === 2,
        refused: (r) => r.resource === 'subscriptions' && r.query.pageToken !== undefined,
        // The first page is stored with its resume point; the next pull reads the list again from its start.
        check: (points) => {
          const point = points.find((p) => p.pass === 'subscriptions')!;
          expect(point).toMatchObject({ done: false });
          expect(decodePageToken(point.next_page_token!).offset).toBe(50);
        },
      },
      {
        name: 'the first items page',
        at: (r) => r.resource === 'playlistItems',
        refused: (r) => firstPage(r, 'playlistItems', lists[0]),
        check: (points) => {
          expect(done(points, 'playlists')).toHaveLength(1);
          expect(points.filter((p) => p.pass === 'items')).toHaveLength(lists.length);
          expect(done(points, 'items')).toHaveLength(0);
        },
      },
      {
        name: 'between playlists',
        at: (r) => firstPage(r, 'playlistItems', lists[j + 1]),
        refused: (r) => firstPage(r, 'playlistItems', lists[j + 1]),
        check: (points) => {
          expect(done(points, 'items').map((p) => p.playlist_youtube_id)).toEqual(lists.slice(0, j + 1));
          expect(points.find((p) => p.playlist_youtube_id === lists[j + 1])).toMatchObject({ next_page_token: null, items_fetched: 0, done: false });
          itemsFetchedBefore = points.reduce((n, p) => n + (p.pass === 'items' ? p.items_fetched : 0), 0);
        },
      },
      {
        name: 'mid-items, 4 workers, dailyLimitExceeded',
        variant: 'dailyLimitExceeded',
        concurrency: 4,
        at: (r) => r.resource === 'playlistItems' && ++arrived === 3,
        refused: (r) => r.resource === 'playlistItems',
        check: (points) => {
          // The two pages answered before the refusal are stored with their resume points.
          expect(points.reduce((n, p) => n + (p.pass === 'items' ? p.items_fetched : 0), 0)).toBeGreaterThan(itemsFetchedBefore);
          expect(done(points, 'items').length).toBeLessThan(lists.length);
        },
      },
      {
        name: 'the first videos batch',
        at: (r) => r.resource === 'videos',
        refused: (r) => r.resource === 'videos',
        check: (points) => {
          expect(done(points, 'items')).toHaveLength(lists.length);
          expect(points.find((p) => p.pass === 'videos') ?? { items_fetched: 0 }).toMatchObject({ items_fetched: 0 });
        },
      },
      {
        name: 'the last videos batch',
        at: (r) => r.resource === 'videos' && ++arrived === videoBatches,
        refused: (r) => r.resource === 'videos',
        check: (points) => expect(points.find((p) => p.pass === 'videos')).toMatchObject({ items_fetched: (videoBatches - 1) * 50, done: false }),
      },
    ];

    const refused: RequestInfo[] = [];
    emulator.on('request', (info: RequestInfo) => {
      if (info.reason === 'quotaExceeded' || info.reason === 'dailyLimitExceeded') refused.push(info);
    });
    let unitsBefore = 0; // units of earlier quota days
    const left: Interruption[] = [];
    for (const stop of stops) {
      unitsBefore += emulator.quota.used;
      emulator.quota.resetDay();
      emulator.quota.variant = stop.variant ?? 'quotaExceeded';
      arrived = 0;
      emulator.quota.exhaustAt(stop.at);
      refused.length = 0;
      const result = await runInProcess(['pull', '--json', '--concurrency', String(stop.concurrency ?? 1)], ws.env);
      expect(result.code, `${stop.name}: ${result.stderr}`).toBe(75);
      expect(JSON.parse(result.stdout).outcome).toBe('quota');
      expect(result.stderr).toContain(emulator.quota.variant);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace for an expected stop
      // With one worker it stopped at the first refusal: nothing was asked after it.
      if (!stop.concurrency) expect(refused.length, stop.name).toBe(1);
      expect(stop.refused(refused[0]!), `${stop.name}: refused ${JSON.stringify(refused[0])}`).toBe(true);
      if (stop.check) stop.check(await resumePoints(ws));
      left.push(await ws.withDb(interruption));
    }

    // Midnight in California: the next pull finishes the run.
    unitsBefore += emulator.quota.used;
    emulator.quota.resetDay();
    const last = await runInProcess(['pull', '--json', '--concurrency', '1'], ws.env);
    expect(last.code, last.stderr).toBe(0);
    expect(JSON.parse(last.stdout).outcome).toBe('complete');
    const total = unitsBefore + emulator.quota.used;
    const verified = left.reduce((n, stop) => n + verificationUnits(stop, expected.playlists.length), 0);
    console.log(`[quota stops ${TEST_DATABASE}] ${stops.length} stops, units ${total} = minimum ${minimum} + ${verified} verifying what they left (${JSON.stringify(left.map((l) => verificationUnits(l, expected.playlists.length)))})`);
    // Refusals are free; what each stop left partly read is read again, and the list of playlists
    // once more when lists were left (README "Quota"): exactly that, nothing else.
    expect(total).toBe(minimum + verified);
    await ws.withDb(async (db) => {
      expectExactMirror(await readMirror(db), expected);
      expect(await ledgerUnits(db)).toBe(total);
    });
  });
});
