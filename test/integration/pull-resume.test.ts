import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestInfo } from '../fakes/youtube-emulator.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { minimumUnits } from '../support/quota.js';
import { expectRefetchedOnly, interruption, verificationUnits, type Interruption } from '../support/resume.js';
import { expectNoStackTrace, rows, startScenario, storedItemCount, syncState, type Scenario } from '../support/scenario.js';
import { decodePageToken } from '../fakes/api-resources.js';
import { sql } from 'drizzle-orm';

/**
 * Issue 2, acceptance 2 (quota exhausted mid-run, then the next quota day) and the other ways
 * a run stops early and continues: `--max-units`, Ctrl-C. A small library (8 playlists, one of
 * 251 items, a Liked list). Every case is held to the README's bound exactly: the minimum, plus
 * for each interruption the pages stored of the lists it left partly read (read again: page
 * tokens are offsets) and one call to read the list of playlists again.
 */
describe(`an interrupted pull continues where it stopped (${TEST_DATABASE})`, () => {
  let s: Scenario;

  beforeEach(async () => {
    s = await startScenario({ seed: 21, playlists: 8, items: 500, likes: 60 });
  });
  afterEach(async () => {
    await s.stop();
  });

  /**
   * Every items resume point stands at a page boundary and its pages are stored: no half-written
   * page. Returns what the stop left (for the bound).
   */
  async function expectResumePointsMatchStoredPages(): Promise<Interruption> {
    return s.ws.withDb(async (db) => {
      const items = (await syncState(db)).filter((r) => r.pass === 'items');
      expect(items.length).toBeGreaterThan(0);
      for (const point of items) {
        const stored = await storedItemCount(db, point.playlist_youtube_id!);
        expect(stored, point.playlist_youtube_id!).toBeGreaterThanOrEqual(point.items_fetched);
        if (!point.done && point.next_page_token !== null) expect(decodePageToken(point.next_page_token).offset % 50).toBe(0);
      }
      return interruption(db);
    });
  }

  it('quota exhausted inside the items pass: exit 75, progress saved; after the reset the next pull completes exactly', async () => {
    const expected = s.emulator.library.expectedMirror();
    const minimum = minimumUnits(expected);
    s.emulator.quota.setLimit(8); // channels + playlists + 6 pages of items

    const first = await runInProcess(['pull'], s.ws.env);
    expect(first.code, first.stderr).toBe(75);
    expect(first.stderr).toMatch(/quota/i);
    expect(first.stderr).toMatch(/progress is saved/);
    expectNoStackTrace(first.stderr);
    expect(s.emulator.quota.used).toBe(8);
    expect(s.emulator.quota.refused).toBeGreaterThan(0);

    await s.ws.withDb(async (db) => {
      const state = await syncState(db);
      const items = state.filter((r) => r.pass === 'items');
      expect(state.find((r) => r.pass === 'playlists')?.done).toBe(true);
      // One resume point per playlist and the Liked list, some of them with pages stored.
      expect(items).toHaveLength(expected.playlists.length + 1);
      expect(items.reduce((n, r) => n + r.items_fetched, 0)).toBeGreaterThan(0);
      expect(items.some((r) => !r.done)).toBe(true);
    });
    const stop = await expectResumePointsMatchStoredPages();

    // Midnight in California: a new quota day.
    const firstDay = s.emulator.quota.used;
    s.emulator.quota.resetDay();
    s.emulator.quota.setLimit(10_000);
    const second = await runInProcess(['pull', '--json'], s.ws.env);
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout);
    expect(summary.outcome).toBe('complete');
    expect(summary.resumed).toBe(true);
    expect(summary.unitsSpent).toBe(s.emulator.quota.used);

    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
    expect(stop.listingAgain).toBe(true);
    console.log(`[resume ${TEST_DATABASE}] quota inside the items pass: units ${firstDay + s.emulator.quota.used} = minimum ${minimum} + ${verificationUnits(stop, expected.playlists.length)}`);
    expect(firstDay + s.emulator.quota.used).toBe(minimum + verificationUnits(stop, expected.playlists.length));
    expectRefetchedOnly(s.emulator.requests, stop.partlyRead.map((p) => p.list));
    // A finished run leaves no resume points behind.
    await s.ws.withDb(async (db) => expect(await syncState(db)).toEqual([]));
  });

  it('the older dailyLimitExceeded answer stops the run the same way', async () => {
    const expected = s.emulator.library.expectedMirror();
    s.emulator.quota.variant = 'dailyLimitExceeded';
    s.emulator.quota.setLimit(12);
    const first = await runInProcess(['pull'], s.ws.env);
    expect(first.code, first.stderr).toBe(75);
    expect(first.stderr).toMatch(/progress is saved/);
    expectNoStackTrace(first.stderr);
    const stop = await s.ws.withDb(interruption);
    const firstDay = s.emulator.quota.used;
    s.emulator.quota.resetDay();
    s.emulator.quota.setLimit(10_000);
    const second = await runInProcess(['pull'], s.ws.env);
    expect(second.code, second.stderr).toBe(0);
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
    expect(firstDay + s.emulator.quota.used).toBe(minimumUnits(expected) + verificationUnits(stop, expected.playlists.length));
  });

  it('--max-units stops the run at the budget (exit 75, outcome "budget"); the next pulls finish it exactly', async () => {
    const expected = s.emulator.library.expectedMirror();
    const minimum = minimumUnits(expected);

    const first = await runInProcess(['pull', '--json', '--max-units', '7'], s.ws.env);
    expect(first.code, first.stderr).toBe(75);
    const budget = JSON.parse(first.stdout);
    expect(budget.outcome).toBe('budget');
    expect(budget.unitsSpent).toBe(7);
    expect(s.emulator.quota.used).toBe(7);
    expect(first.stderr).toMatch(/--max-units/);
    expect(first.stderr).toMatch(/progress is saved/);
    expectNoStackTrace(first.stderr);
    const stops = [await expectResumePointsMatchStoredPages()];

    // A second budgeted invocation moves on from there (and also stops at its budget).
    const middle = await runInProcess(['pull', '--json', '--max-units', '8'], s.ws.env);
    expect(middle.code, middle.stderr).toBe(75);
    expect(JSON.parse(middle.stdout)).toMatchObject({ outcome: 'budget', unitsSpent: 8, resumed: true });
    stops.push(await expectResumePointsMatchStoredPages());

    const last = await runInProcess(['pull', '--json'], s.ws.env);
    expect(last.code, last.stderr).toBe(0);
    expect(JSON.parse(last.stdout)).toMatchObject({ outcome: 'complete', resumed: true });
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
    const verified = stops.reduce((n, stop) => n + verificationUnits(stop, expected.playlists.length), 0);
    console.log(`[resume ${TEST_DATABASE}] two --max-units stops: units ${s.emulator.quota.used} = minimum ${minimum} + ${verified}`);
    expect(s.emulator.quota.used).toBe(minimum + verified);
    expectRefetchedOnly(s.emulator.requests, stops.flatMap((stop) => stop.partlyRead.map((p) => p.list)));
  });

  it('a budget that runs out just as a partly read list is to be read again leaves it unfinished: the next pull reads it', async () => {
    const expected = s.emulator.library.expectedMirror();
    const first = await runInProcess(['pull', '--json', '--max-units', '7'], s.ws.env);
    expect(first.code, first.stderr).toBe(75);
    const stops = [await expectResumePointsMatchStoredPages()];
    expect(stops[0]!.partlyRead.length).toBeGreaterThan(0);

    // One unit: the list of playlists, read again; the budget ends before any items page.
    const second = await runInProcess(['pull', '--json', '--max-units', '1'], s.ws.env);
    expect(second.code, second.stderr).toBe(75);
    expect(JSON.parse(second.stdout)).toMatchObject({ outcome: 'budget', unitsSpent: 1 });
    await s.ws.withDb(async (db) => {
      const points = await syncState(db);
      for (const { list } of stops[0]!.partlyRead) expect(points.find((p) => p.playlist_youtube_id === list)?.done, String(list)).toBe(false);
      stops.push(await interruption(db));
    });

    const last = await runInProcess(['pull', '--json'], s.ws.env);
    expect(last.code, last.stderr).toBe(0);
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
    const verified = stops.reduce((n, stop) => n + verificationUnits(stop, expected.playlists.length), 0);
    expect(s.emulator.quota.used).toBe(minimumUnits(expected) + verified);
  });

  it('Ctrl-C in the items pass: exit 130, nothing half-written; the next pull completes without refetching stored pages', async () => {
    const expected = s.emulator.library.expectedMirror();
    const controller = new AbortController();
    let itemPages = 0;
    const onRequest = (info: RequestInfo) => {
      if (info.resource === 'playlistItems' && ++itemPages === 5) controller.abort('SIGINT');
    };
    s.emulator.on('request', onRequest);
    const first = await runInProcess(['pull'], s.ws.env, { signal: controller.signal });
    s.emulator.off('request', onRequest);
    expect(first.code, first.stderr).toBe(130);
    expect(first.stderr).toMatch(/SIGINT/);
    expect(first.stderr).toMatch(/progress is saved/);
    expectNoStackTrace(first.stderr);
    // It stopped at a page boundary instead of reading on.
    expect(s.emulator.stats.byResource.playlistItems).toBeLessThan(5 + 4);
    expect(s.emulator.stats.byResource.videos).toBe(0);
    const stop = await expectResumePointsMatchStoredPages();
    await s.ws.withDb(async (db) => {
      const [run] = await rows<{ outcome: string; finished_at: Date | null }>(db, sql`SELECT outcome, finished_at FROM sync_runs`);
      expect(run).toMatchObject({ outcome: 'interrupted', finished_at: null });
    });

    const second = await runInProcess(['pull', '--json'], s.ws.env);
    expect(second.code, second.stderr).toBe(0);
    // Each list left partly read is read again from the start, once.
    expect(JSON.parse(second.stdout)).toMatchObject({ outcome: 'complete', resumed: true, changes: { restarts: stop.partlyRead.length } });
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
    // The pages in flight at Ctrl-C were stored: nothing was wasted but the verification.
    console.log(`[resume ${TEST_DATABASE}] Ctrl-C: units ${s.emulator.quota.used} = minimum ${minimumUnits(expected)} + ${verificationUnits(stop, expected.playlists.length)}`);
    expect(s.emulator.quota.used).toBe(minimumUnits(expected) + verificationUnits(stop, expected.playlists.length));
    expectRefetchedOnly(s.emulator.requests, stop.partlyRead.map((p) => p.list));
  });

  it('Ctrl-C in the videos pass: exit 130; the next pull asks only for the videos not yet checked', async () => {
    const expected = s.emulator.library.expectedMirror();
    const controller = new AbortController();
    let batches = 0;
    const onRequest = (info: RequestInfo) => {
      if (info.resource === 'videos' && ++batches === 2) controller.abort('SIGINT');
    };
    s.emulator.on('request', onRequest);
    const first = await runInProcess(['pull', '--concurrency', '1'], s.ws.env, { signal: controller.signal });
    s.emulator.off('request', onRequest);
    expect(first.code, first.stderr).toBe(130);
    const asked = s.emulator.requests.filter((r) => r.resource === 'videos').flatMap((r) => r.query.id!.split(','));
    expect(asked.length).toBeGreaterThan(0);

    const second = await runInProcess(['pull', '--json'], s.ws.env);
    expect(second.code, second.stderr).toBe(0);
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
    const again = s.emulator.requests.filter((r) => r.resource === 'videos').flatMap((r) => r.query.id!.split(',')).slice(asked.length);
    expect(again.filter((id) => asked.includes(id))).toEqual([]);
    // Nothing but the videos was left: no list is read again.
    expect(s.emulator.quota.used).toBe(minimumUnits(expected));
  });
});

describe(`a pull cut short keeps what it knew of the pages it did not reach (${TEST_DATABASE})`, () => {
  it('after a complete pull, a run stopped by --max-units keeps every page’s etag: the pull that finishes the run gets a 304 for each unchanged page', async () => {
    const s = await startScenario({ seed: 21, playlists: 8, items: 500, likes: 60 }, { playlistItemsEtags: 'stable', subscriptionsEtags: 'stable' });
    try {
      expect((await runInProcess(['pull'], s.ws.env)).code).toBe(0);
      const cut = await runInProcess(['pull', '--max-units', '3'], s.ws.env);
      expect(cut.code, cut.stderr).toBe(75);

      const before = { units: s.emulator.quota.used, notModified: s.emulator.stats.notModified };
      const last = await runInProcess(['pull', '--json'], s.ws.env);
      expect(last.code, last.stderr).toBe(0);
      const charged = s.emulator.quota.used - before.units;
      const notModified = s.emulator.stats.notModified - before.notModified;
      console.log(`[resume ${TEST_DATABASE}] after a cut run: ${notModified} of ${charged} answers were 304`);
      expect(JSON.parse(last.stdout).changes.pagesNotModified).toBe(notModified);
      expect(notModified).toBe(charged);
    } finally {
      await s.stop();
    }
  });

  it('a playlist missing from one reading of playlists.list and back before the run ends: its items are live again, though every page of it is a 304', async () => {
    const s = await startScenario({ seed: 21, playlists: 8, items: 500, likes: 60 }, { playlistItemsEtags: 'stable', subscriptionsEtags: 'stable' });
    try {
      expect((await runInProcess(['pull'], s.ws.env)).code).toBe(0);
      const lib = s.emulator.library;
      const at = lib.playlists.findIndex((p) => p.items.length > 50);
      const gone = lib.playlists[at]!;
      lib.deletePlaylist(gone.id);
      // The cut run reads the whole playlists list (channel, playlists, subscriptions: 3 units)
      // and closes the missing playlist with its items, then stops.
      const cut = await runInProcess(['pull', '--max-units', '3'], s.ws.env);
      expect(cut.code, cut.stderr).toBe(75);
      const liveItemsOf = (id: string) => s.ws.withDb((db) => storedItemCount(db, id, { live: true }));
      expect(await liveItemsOf(gone.id)).toBe(0);

      lib.addPlaylist({ ...gone, at });
      const since = s.emulator.requests.length;
      const last = await runInProcess(['pull', '--json'], s.ws.env);
      expect(last.code, last.stderr).toBe(0);
      const pages = s.emulator.requests.slice(since).filter((r) => r.resource === 'playlistItems' && r.query.playlistId === gone.id);
      expect(pages.length).toBeGreaterThan(1);
      expect(pages.every((r) => r.notModified)).toBe(true);
      expect(await liveItemsOf(gone.id)).toBe(gone.items.length);
      // …and counted as the changes they are (the summary and cron's report say so).
      expect(JSON.parse(last.stdout).changes.itemsChanged).toBe(gone.items.length);
      await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), lib.expectedMirror()));
    } finally {
      await s.stop();
    }
  });
});
