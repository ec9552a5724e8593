import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Library, Playlist } from '../fakes/library.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { minimumUnits } from '../support/quota.js';
import { startScenario, syncState, type Scenario } from '../support/scenario.js';

/**
 * Issue 2, acceptance 5: page tokens are offsets. A run interrupted in the middle of a large
 * playlist resumes from a stored token; if the playlist changed before that offset in between,
 * the resumed pass must still end exact: no live item marked removed, none missed.
 *
 * Library (seed 21): playlists of 39, 23, 21, 251, 31, 81, 54 and 0 items, then the Liked list
 * (60). With `--concurrency 1` the items pass reads them in that order, so a budget can stop
 * the run inside a chosen list; the test checks in `sync_state` that it did.
 */
interface Shift {
  name: string;
  /** Which list to interrupt: the largest playlist or the Liked list. */
  target: 'largest' | 'likes';
  /** Pages of the target stored before the interruption. */
  pages: number;
  /** Changes made while the run is interrupted; `offset` is where the stored token points. */
  mutate(lib: Library, list: Playlist, offset: number): { removed: string[] };
}

const shifts: Shift[] = [
  {
    name: 'count changed: 3 removed before the offset, 2 added (one before it, one at the end)',
    target: 'largest',
    pages: 3,
    mutate(lib, list, offset) {
      const removed = [list.items[10]!, list.items[60]!, list.items[offset - 5]!].map((i) => i.id);
      for (const id of removed) lib.removeItem(list.id, id);
      lib.addItem(list.id, lib.addVideo({ title: 'inserted early' }), 30);
      lib.addItem(list.id, lib.addVideo({ title: 'appended' }));
      return { removed };
    },
  },
  {
    name: 'count unchanged: 1 removed before the offset, 1 added at the end',
    target: 'largest',
    pages: 3,
    mutate(lib, list) {
      const removed = [list.items[20]!.id];
      lib.removeItem(list.id, removed[0]!);
      lib.addItem(list.id, lib.addVideo({ title: 'appended' }));
      return { removed };
    },
  },
  {
    name: 'count unchanged: 1 removed and 1 added, both before the offset',
    target: 'largest',
    pages: 3,
    mutate(lib, list, offset) {
      const removed = [list.items[20]!.id];
      lib.removeItem(list.id, removed[0]!);
      lib.addItem(list.id, list.items[5]!.videoId, offset - 10); // a duplicate of an early video
      return { removed };
    },
  },
  {
    name: 'a playlist not read yet changes too (renamed, one item more), besides one removed before the offset',
    target: 'largest',
    pages: 2,
    mutate(lib, list) {
      const later = lib.playlists[lib.playlists.indexOf(list) + 2]!;
      expect(later.items.length).toBeGreaterThan(50);
      lib.renamePlaylist(later.id, `${later.title} (renamed)`);
      lib.addItem(later.id, list.items[0]!.videoId, 7);
      const removed = [list.items[3]!.id];
      lib.removeItem(list.id, removed[0]!);
      return { removed };
    },
  },
  {
    name: 'the Liked list, count unchanged: 1 unliked before the offset, 1 new like (at its front)',
    target: 'likes',
    pages: 1,
    mutate(lib, list) {
      const removed = [list.items[10]!.id];
      lib.removeItem(list.id, removed[0]!);
      lib.addItem(list.id, lib.addVideo({ title: 'just liked' }));
      return { removed };
    },
  },
];

describe(`a resumed run after the list shifted under its page token ends exact (${TEST_DATABASE})`, () => {
  let s: Scenario;

  beforeEach(async () => {
    s = await startScenario({ seed: 21, playlists: 8, items: 500, likes: 60 });
  });
  afterEach(async () => {
    await s.stop();
  });

  it.each(shifts)('$name', async (shift) => {
    const lib = s.emulator.library;
    const lists = [...lib.playlists, lib.likes];
    const target = shift.target === 'likes' ? lib.likes : [...lib.playlists].sort((a, b) => b.items.length - a.items.length)[0]!;
    expect(target.items.length).toBeGreaterThan(shift.target === 'likes' ? 50 : 150);
    // channels + playlists + every list read before the target + the target's first pages.
    const before = lists.slice(0, lists.indexOf(target)).reduce((n, p) => n + Math.max(1, Math.ceil(p.items.length / 50)), 0);
    const budget = 2 + before + shift.pages;

    const first = await runInProcess(['pull', '--json', '--concurrency', '1', '--max-units', String(budget)], s.ws.env);
    expect(first.code, first.stderr).toBe(75);
    expect(JSON.parse(first.stdout).outcome).toBe('budget');

    // The target is the one list partly read, stopped at the expected offset.
    const offset = shift.pages * 50;
    const partly = await s.ws.withDb(async (db) =>
      (await syncState(db)).filter((r) => r.pass === 'items' && !r.done && r.items_fetched > 0),
    );
    expect(partly.map((r) => ({ playlist: r.playlist_youtube_id, fetched: r.items_fetched, hasToken: r.next_page_token !== null }))).toEqual([
      { playlist: target.id, fetched: offset, hasToken: true },
    ]);

    const { removed } = shift.mutate(lib, target, offset);
    const expected = lib.expectedMirror();

    const second = await runInProcess(['pull', '--json'], s.ws.env);
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout);
    expect(summary.outcome).toBe('complete');
    const mirror = await s.ws.withDb(readMirror);
    expectExactMirror(mirror, expected);
    for (const id of removed) {
      expect(mirror.items.find((i) => i.youtube_id === id)?.removed_at, `removed item ${id}`).not.toBeNull();
    }
    // Cost of getting it right: at most the target list read again and one check per 50 lists.
    expect(s.emulator.quota.used).toBeLessThanOrEqual(minimumUnits(expected) + shift.pages + 2);
  });
});
