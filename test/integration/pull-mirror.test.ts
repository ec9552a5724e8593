import { afterEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { ledgerUnits } from '../support/failures.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { minimumUnits, rowWrites } from '../support/quota.js';
import { rows, startScenario, type Scenario } from '../support/scenario.js';
import { sql } from 'drizzle-orm';

/**
 * The mirror, exact at the minimum quota; an unchanged night rewrites no row and costs what it
 * costs, counted alike by the summary, the ledger and YouTube. In both etag modes of the
 * playlistItems and subscriptions lists: 'volatile' (the default, as community reports describe
 * for playlistItems: no 304 there, every page a 200 that must change nothing) and 'stable' (pages
 * come back 304, which cost a unit all the same).
 */
describe.each(['volatile', 'stable'] as const)(`pull mirrors a library exactly (${TEST_DATABASE}, list etags: %s)`, (listEtags) => {
  let s: Scenario;

  afterEach(() => s.stop());

  it('first pull: exact mirror at the minimum quota; second pull: zero changes, no row rewritten, every unit counted alike', async () => {
    s = await startScenario(
      { seed: 11, playlists: 55, items: 1400, likes: 120, subscriptions: 130, deletedRate: 0.04, privateRate: 0.04, duplicateRate: 0.03 },
      { playlistItemsEtags: listEtags, subscriptionsEtags: listEtags },
    );
    const { emulator, ws } = s;
    const expected = emulator.library.expectedMirror();
    const totalItems = Object.values(expected.items).reduce((n, list) => n + list.length, 0);
    expect(totalItems).toBeGreaterThanOrEqual(1000);
    // More than a page of playlists, subscriptions and some lists' items: each page its own etag, its own 304.
    expect(expected.playlists.length).toBeGreaterThan(50);
    expect(expected.subscriptions.length).toBeGreaterThan(50);
    expect(Object.values(expected.items).some((list) => list.length > 100)).toBe(true);
    expect(expected.unavailableVideoIds.length).toBeGreaterThan(0);

    const first = await runInProcess(['pull', '--json'], ws.env);
    expect(first.stderr).not.toMatch(/unexpected/);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary.outcome).toBe('complete');
    expect(summary.unitsSpent).toBe(emulator.quota.used);
    expect(emulator.quota.used).toBe(minimumUnits(expected));
    expect(summary.counts.items).toBe(totalItems);
    // What it says it changed is what it wrote: every item, every video found and detailed.
    const videos = new Set(Object.values(expected.items).flat().map((i) => i.videoId)).size;
    expect(summary).toMatchObject({ resumed: false, warnings: [] });
    expect(summary.changes).toMatchObject({
      playlistsAdded: expected.playlists.length,
      itemsChanged: totalItems,
      itemsRemoved: 0,
      videosDiscovered: videos,
      videosUpdated: Object.keys(expected.availableVideos).length,
      videosUnavailable: expected.unavailableVideoIds.length,
      restarts: 0,
    });

    await ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
    // What each unavailable video became, as its items showed it: "Deleted video" or "Private video".
    const became = await ws.withDb((db) =>
      rows<{ youtube_id: string; unavailable_reason: string }>(db, sql`SELECT youtube_id, unavailable_reason FROM videos WHERE unavailable_since IS NOT NULL`),
    );
    const status = (id: string) => (emulator.library.getVideo(id)?.status === 'private' ? 'private' : 'deleted');
    expect(Object.fromEntries(became.map((v) => [v.youtube_id, v.unavailable_reason]))).toEqual(
      Object.fromEntries(expected.unavailableVideoIds.map((id) => [id, status(id)])),
    );
    expect(new Set(became.map((v) => v.unavailable_reason))).toEqual(new Set(['deleted', 'private']));

    const writesBefore = await ws.withDb(rowWrites);
    const ledgerBefore = await ws.withDb(ledgerUnits);
    const unitsBefore = emulator.quota.used;
    const notModifiedBefore = emulator.stats.notModified;
    const second = await runInProcess(['pull', '--json'], ws.env);
    expect(second.code).toBe(0);
    const again = JSON.parse(second.stdout);
    expect(again.changes).toMatchObject({
      playlistsAdded: 0, playlistsRemoved: 0, itemsChanged: 0, itemsRemoved: 0, videosUpdated: 0, videosUnavailable: 0, restarts: 0,
      subscriptionsGained: 0, subscriptionsLost: 0, subscriptionsChanged: 0,
    });
    // A 304 costs its unit like any answer: the summary, the ledger and YouTube agree.
    const charged = emulator.quota.used - unitsBefore;
    expect(charged).toBe(summary.unitsSpent);
    expect(again.unitsSpent).toBe(charged);
    expect((await ws.withDb(ledgerUnits)) - ledgerBefore).toBe(charged);
    const notModified = emulator.stats.notModified - notModifiedBefore;
    expect(again.changes.pagesNotModified).toBe(notModified);
    if (listEtags === 'stable') expect(notModified).toBe(charged - 1); // all but channels.list
    else expect(notModified).toBeLessThan(charged / 2); // the items and subscriptions pages all came back 200
    expect(await ws.withDb(rowWrites)).toEqual(writesBefore);
    await ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
  });
});
