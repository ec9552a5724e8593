import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { expectExactMirror, readMirror, type ActualMirror } from '../support/mirror.js';
import { minimumUnits, rowWrites } from '../support/quota.js';
import { expectNoStackTrace, rows, startScenario, type Scenario } from '../support/scenario.js';

/**
 * Issue 2, acceptance 4: what changed on YouTube between two pulls shows in the mirror —
 * removals as `removed_at`, vanished videos as `unavailable_since` with their last known title
 * kept, nothing deleted.
 */
describe(`changes between runs are mirrored (${TEST_DATABASE})`, () => {
  let s: Scenario;

  beforeEach(async () => {
    s = await startScenario({ seed: 41, playlists: 8, items: 400, likes: 40, deletedRate: 0.03, privateRate: 0.03, duplicateRate: 0.03 });
  });
  afterEach(async () => {
    await s.stop();
  });

  const video = (m: ActualMirror, id: string) => m.videos.find((v) => v.youtube_id === id)!;
  const item = (m: ActualMirror, id: string) => m.items.find((i) => i.youtube_id === id)!;
  const playlist = (m: ActualMirror, id: string) => m.playlists.find((p) => p.youtube_id === id)!;

  it('removed/added/moved items, deleted/private/renamed videos, added/deleted playlists; then a restored video', async () => {
    const lib = s.emulator.library;
    const first = await runInProcess(['pull'], s.ws.env);
    expect(first.code, first.stderr).toBe(0);
    const before = await s.ws.withDb(readMirror);
    expectExactMirror(before, lib.expectedMirror());

    // Playlists by role: the big one loses items, others gain/move, one disappears.
    const bySize = [...lib.playlists].sort((a, b) => b.items.length - a.items.length);
    const [big, medium, small, doomed] = bySize as [(typeof bySize)[number], (typeof bySize)[number], (typeof bySize)[number], (typeof bySize)[number]];
    expect(big.items.length).toBeGreaterThan(150);
    expect(small.items.length).toBeGreaterThan(2);
    const untouched = new Set([big.id, medium.id, small.id]);
    const available = lib.expectedMirror().availableVideos;

    // Videos that change: taken from the medium playlist, each only there (and not removed below).
    const videosElsewhere = new Set([...lib.playlists, lib.likes].filter((p) => p.id !== medium.id).flatMap((p) => p.items.map((i) => i.videoId)));
    const candidates = [...new Set(medium.items.map((i) => i.videoId))].filter((v) => v in available && !videosElsewhere.has(v));
    expect(candidates.length).toBeGreaterThanOrEqual(4);
    const [toDelete, toPrivate, toRename, toDeleteThenRestore] = candidates as [string, string, string, string];
    const oldTitles = Object.fromEntries([toDelete, toPrivate, toDeleteThenRestore].map((id) => [id, available[id]!.title]));

    // Items removed from the big playlist: at its start, in its middle, at its end.
    const removedItems = [big.items[0]!, big.items[120]!, big.items.at(-1)!].map((i) => i.id);
    for (const id of removedItems) lib.removeItem(big.id, id);
    // Items added: an existing video at the front of `small`, a brand-new video at its end.
    const existing = lib.addItem(small.id, toRename, 0);
    const freshVideo = lib.addVideo({ title: 'Fresh upload 🚀' });
    const fresh = lib.addItem(small.id, freshVideo);
    // An item moved from the end of `medium` to its front.
    const moved = medium.items.at(-1)!.id;
    lib.moveItem(medium.id, moved, 0);
    lib.deleteVideo(toDelete);
    lib.makePrivate(toPrivate);
    lib.deleteVideo(toDeleteThenRestore);
    lib.renameVideo(toRename, 'Renamed: a better title');
    const newPlaylist = lib.addPlaylist({ title: 'Brand new list', description: 'made between runs', privacyStatus: 'unlisted' });
    lib.addItem(newPlaylist, freshVideo);
    lib.addItem(newPlaylist, candidates[4] ?? toRename);
    lib.deletePlaylist(doomed.id);
    expect(untouched.has(doomed.id)).toBe(false);

    const expected = lib.expectedMirror();
    const second = await runInProcess(['pull', '--json'], s.ws.env);
    expect(second.code, second.stderr).toBe(0);
    expectNoStackTrace(second.stderr);
    const summary = JSON.parse(second.stdout);
    expect(summary.outcome).toBe('complete');
    expect(summary.changes).toMatchObject({ playlistsAdded: 1, playlistsRemoved: 1, itemsRemoved: removedItems.length });
    expect(summary.changes.videosUnavailable).toBeGreaterThanOrEqual(3);
    expect(summary.unitsSpent).toBeLessThanOrEqual(minimumUnits(expected));

    const after = await s.ws.withDb(readMirror);
    expectExactMirror(after, expected);

    // Removals are marks, not deletions.
    for (const id of removedItems) expect(item(after, id)?.removed_at, `item ${id}`).not.toBeNull();
    expect(after.items.length).toBeGreaterThanOrEqual(before.items.length);
    expect(playlist(after, doomed.id).removed_at).not.toBeNull();
    expect(playlist(after, doomed.id).title).toBe(doomed.title);
    expect(after.items.filter((i) => i.playlist === doomed.id).every((i) => i.removed_at !== null)).toBe(true);
    expect(after.items.filter((i) => i.playlist === doomed.id)).toHaveLength(doomed.items.length);
    expect(playlist(after, newPlaylist)).toMatchObject({ title: 'Brand new list', removed_at: null });
    expect(item(after, existing).removed_at).toBeNull();
    expect(item(after, fresh).removed_at).toBeNull();
    expect(item(after, moved).position).toBe(0);
    expect(video(after, freshVideo).title).toBe('Fresh upload 🚀');

    // Vanished videos: flagged, last known details kept (never "Deleted video" / "Private video").
    for (const id of [toDelete, toPrivate, toDeleteThenRestore]) {
      const v = video(after, id);
      expect(v.unavailable_since, `video ${id}`).not.toBeNull();
      expect(v.title).toBe(oldTitles[id]);
      expect(v.title).not.toMatch(/^(Deleted|Private) video$/);
      expect(v.description).not.toMatch(/^This video is (unavailable|private)\.$/);
      expect(v.channel_id).toBe(available[id]!.channelId);
      expect(v.duration_seconds).toBe(available[id]!.durationSeconds);
    }
    expect(video(after, toRename)).toMatchObject({ title: 'Renamed: a better title', unavailable_since: null });
    // Nothing else became unavailable.
    const unavailableBefore = new Set(before.videos.filter((v) => v.unavailable_since !== null).map((v) => v.youtube_id));
    const newlyUnavailable = after.videos.filter((v) => v.unavailable_since !== null && !unavailableBefore.has(v.youtube_id)).map((v) => v.youtube_id);
    expect(newlyUnavailable.sort()).toEqual([toDelete, toPrivate, toDeleteThenRestore].sort());

    // A pull with no change in between rewrites no row.
    const writes = await s.ws.withDb(rowWrites);
    const idle = await runInProcess(['pull'], s.ws.env);
    expect(idle.code, idle.stderr).toBe(0);
    expect(await s.ws.withDb(rowWrites)).toEqual(writes);

    // The deleted video comes back.
    const unavailableAt = video(after, toDelete).unavailable_since;
    lib.restoreVideo(toDeleteThenRestore);
    const third = await runInProcess(['pull'], s.ws.env);
    expect(third.code, third.stderr).toBe(0);
    const restored = await s.ws.withDb(readMirror);
    expectExactMirror(restored, lib.expectedMirror());
    expect(video(restored, toDeleteThenRestore)).toMatchObject({ title: oldTitles[toDeleteThenRestore], unavailable_since: null });
    // The others stay flagged, since the same moment.
    expect(video(restored, toDelete).unavailable_since).toEqual(unavailableAt);
    expect(video(restored, toPrivate).unavailable_since).not.toBeNull();
    await s.ws.withDb(async (db) => {
      const [row] = await rows<{ reason: string | null }>(db, sql`SELECT unavailable_reason AS reason FROM videos WHERE youtube_id = ${toDeleteThenRestore}`);
      expect(row!.reason).toBeNull();
    });
  });

  it('a playlist that comes back is live again, with its items', async () => {
    const lib = s.emulator.library;
    const first = await runInProcess(['pull'], s.ws.env);
    expect(first.code, first.stderr).toBe(0);
    const victim = lib.playlists.find((p) => p.items.length > 0)!;
    lib.deletePlaylist(victim.id);
    const second = await runInProcess(['pull'], s.ws.env);
    expect(second.code, second.stderr).toBe(0);
    const gone = await s.ws.withDb(readMirror);
    expectExactMirror(gone, lib.expectedMirror());
    expect(playlist(gone, victim.id).removed_at).not.toBeNull();

    // Undeleted (e.g. made public again by its owner).
    lib.playlists.push(victim);
    lib.version++;
    const third = await runInProcess(['pull'], s.ws.env);
    expect(third.code, third.stderr).toBe(0);
    const back = await s.ws.withDb(readMirror);
    expectExactMirror(back, lib.expectedMirror());
    expect(playlist(back, victim.id).removed_at).toBeNull();
  });
});
