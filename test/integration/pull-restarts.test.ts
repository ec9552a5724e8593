import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestInfo } from '../fakes/youtube-emulator.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { startScenario, type Scenario } from '../support/scenario.js';

/**
 * Issue 14, survivor 1: a list that changes under every read. Each time its first page is
 * served, two items before the next page's offset go and one is added at the front: the next
 * page starts one item later (an item slides past the boundary, unseen) and the list's size
 * changes. The pull reads it again from the start twice; then it stops trusting the read:
 * everything seen is stored, nothing is marked removed — a live item is never marked removed.
 */
describe(`a list that keeps changing while being read (${TEST_DATABASE})`, () => {
  let s: Scenario;

  beforeEach(async () => {
    s = await startScenario({ seed: 27, playlists: 4, items: 400, likes: 10 });
  });
  afterEach(() => s.stop());

  it('restarts run out: stored, not a single live item marked removed, a warning; the next quiet pull is exact', async () => {
    const lib = s.emulator.library;
    const first = await runInProcess(['pull'], s.ws.env);
    expect(first.code, first.stderr).toBe(0);

    const target = lib.playlists.find((p) => p.items.length > 150);
    if (!target) throw new Error('the library needs a playlist of 3 pages or more');
    let reads = 0;
    const churn = (info: RequestInfo) => {
      if (info.resource !== 'playlistItems' || info.query.playlistId !== target.id || info.query.pageToken || info.status !== 200) return;
      reads++;
      lib.removeItem(target.id, target.items[10]!.id);
      lib.removeItem(target.id, target.items[10]!.id);
      lib.addItem(target.id, lib.addVideo({ title: `added during read ${reads}` }), 0);
    };
    s.emulator.on('request', churn);
    const churned = await runInProcess(['pull', '--json'], s.ws.env);
    s.emulator.off('request', churn);
    expect(churned.code, churned.stderr).toBe(0);
    expect(reads).toBe(3); // the first read and two more
    const summary = JSON.parse(churned.stdout);
    expect(summary.changes).toMatchObject({ restarts: 2, itemsRemoved: 0 });
    expect(churned.stderr).toMatch(/reading it again from the start because its size changed from \d+ to \d+ while being read/);
    const warning = `playlist "${target.title}" (${target.id}): it kept changing while being read`;
    expect(summary.warnings).toEqual([expect.stringContaining(warning)]);
    expect(churned.stderr).toContain(warning);

    const live = new Set(target.items.map((it) => it.id));
    const mirror = await s.ws.withDb(readMirror);
    const stored = mirror.items.filter((i) => i.playlist === target.id);
    expect(stored.filter((i) => live.has(i.youtube_id) && i.removed_at !== null).map((i) => i.youtube_id)).toEqual([]);
    // Items that did leave are not marked either: removals wait for a read that can be trusted.
    expect(stored.filter((i) => i.removed_at !== null)).toEqual([]);

    const quiet = await runInProcess(['pull', '--json'], s.ws.env);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(JSON.parse(quiet.stdout)).toMatchObject({ warnings: [], changes: { restarts: 0, itemsRemoved: 6 } });
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), lib.expectedMirror()));
  });

  it('an item moved back across the offset during a read shows up twice: the list is read again, nothing live is marked removed', async () => {
    const lib = s.emulator.library;
    const first = await runInProcess(['pull'], s.ws.env);
    expect(first.code, first.stderr).toBe(0);

    // Once, right after its first page is served: an item from the third page moves to the
    // first. Same count; the next page starts with an item already seen, and the moved one
    // would never be seen by this read.
    const target = lib.playlists.find((p) => p.items.length > 150);
    if (!target) throw new Error('the library needs a playlist of 3 pages or more');
    const moved = target.items[120]!.id;
    let done = false;
    const move = (info: RequestInfo) => {
      if (done || info.resource !== 'playlistItems' || info.query.playlistId !== target.id || info.query.pageToken || info.status !== 200) return;
      done = true;
      lib.moveItem(target.id, moved, 10);
    };
    s.emulator.on('request', move);
    const result = await runInProcess(['pull', '--json'], s.ws.env);
    s.emulator.off('request', move);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('reading it again from the start because an item showed up again on a later page while being read');
    expect(JSON.parse(result.stdout)).toMatchObject({ warnings: [], changes: { restarts: 1, itemsRemoved: 0 } });
    const mirror = await s.ws.withDb(readMirror);
    expectExactMirror(mirror, lib.expectedMirror());
    expect(mirror.items.find((i) => i.youtube_id === moved)).toMatchObject({ position: 10, removed_at: null });
  });

  /** Requests, in a first pull with one worker, up to and including `pages` of the first list of `longer` pages or more. */
  function budgetInto(pages: number, longer = 3): { target: (typeof s.emulator.library.playlists)[number]; budget: number } {
    const lib = s.emulator.library;
    const sizes = lib.playlists.map((p) => Math.max(1, Math.ceil(p.items.length / 50)));
    const j = sizes.findIndex((n) => n >= longer);
    expect(j).toBeGreaterThanOrEqual(0);
    const subscriptionPages = Math.max(1, Math.ceil(lib.expectedMirror().subscriptionsPaged / 50));
    return { target: lib.playlists[j]!, budget: 2 + subscriptionPages + sizes.slice(0, j).reduce((a, b) => a + b, 0) + pages };
  }

  it('a page token YouTube no longer accepts: read again from the start; refused every time: skipped with a warning', async () => {
    const lib = s.emulator.library;
    const { target } = budgetInto(0);
    // Twice in a row for one request (the client retries once: spurious refusals happened).
    let reads = 0;
    let refusals = 1;
    const refuse = (info: RequestInfo) => {
      if (info.resource !== 'playlistItems' || info.query.playlistId !== target.id || info.query.pageToken || info.status !== 200) return;
      if (reads++ < refusals) s.emulator.faults.failNext(2, 'invalidPageToken', 'playlistItems');
    };
    s.emulator.on('request', refuse);
    const once = await runInProcess(['pull', '--json', '--concurrency', '1'], s.ws.env);
    expect(once.code, once.stderr).toBe(0);
    expect(once.stderr).toContain(`playlist "${target.title}" (${target.id}): reading it again from the start because YouTube no longer accepts its page token`);
    expect(JSON.parse(once.stdout)).toMatchObject({ warnings: [], changes: { restarts: 1 } });
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), lib.expectedMirror()));

    reads = 0;
    refusals = 3;
    const always = await runInProcess(['pull', '--json', '--concurrency', '1'], s.ws.env);
    s.emulator.off('request', refuse);
    expect(always.code, always.stderr).toBe(0);
    expect(JSON.parse(always.stdout).warnings).toEqual([expect.stringMatching(new RegExp(`^playlist "${target.title.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')}" \\(${target.id}\\) can't be read \\(YouTube says invalidPageToken\\)`))]);
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), lib.expectedMirror()));
  });

  it('a list cut short in every invocation: after two reads again it is read on across pulls, its removals left for a read in one go', async () => {
    const lib = s.emulator.library;
    const { target, budget } = budgetInto(2, 4);
    const first = await runInProcess(['pull', '--json', '--concurrency', '1', '--max-units', String(budget)], s.ws.env);
    expect(JSON.parse(first.stdout).outcome).toBe('budget');
    // An item goes meanwhile: it must not be marked removed by a read spread over several pulls.
    const gone = target.items[5]!.id;
    lib.removeItem(target.id, gone);
    for (let i = 0; i < 2; i++) {
      // The list of playlists again, then the first two pages of the list, read again.
      const cut = await runInProcess(['pull', '--json', '--concurrency', '1', '--max-units', '3'], s.ws.env);
      expect(JSON.parse(cut.stdout).outcome).toBe('budget');
      expect(cut.stderr).toContain('reading it again from the start because it was partly read by an earlier pull');
    }
    const last = await runInProcess(['pull', '--json', '--concurrency', '1'], s.ws.env);
    expect(last.code, last.stderr).toBe(0);
    const summary = JSON.parse(last.stdout);
    expect(summary.outcome).toBe('complete');
    expect(summary.warnings).toEqual([`playlist "${target.title}" (${target.id}): it was read across several pulls; its items are stored, removals are left for the next pull.`]);
    expect((await s.ws.withDb(readMirror)).items.find((i) => i.youtube_id === gone)?.removed_at).toBeNull();

    const next = await runInProcess(['pull', '--json'], s.ws.env);
    expect(JSON.parse(next.stdout)).toMatchObject({ warnings: [], changes: { itemsRemoved: 1 } });
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), lib.expectedMirror()));
  });
});

/**
 * An invocation that continues a run reads the playlists list again (SPEC.md "Resume"). That
 * read is not a restart: a run continued many times must keep its restarts for a list that does
 * change while being read.
 */
describe(`a run continued several times (${TEST_DATABASE})`, () => {
  it('keeps its restarts: the playlists list changing during the last invocation is read again and the deleted playlist removed', async () => {
    const s = await startScenario({ seed: 31, playlists: 60, items: 300, likes: 10 });
    try {
      const lib = s.emulator.library;
      expect((await runInProcess(['pull'], s.ws.env)).code).toBe(0);
      // Two invocations cut short in the items pass, each after reading the playlists list (2 pages).
      for (const budget of ['6', '4']) {
        const cut = await runInProcess(['pull', '--json', '--max-units', budget], s.ws.env);
        expect(cut.code, cut.stderr).toBe(75);
        expect(JSON.parse(cut.stdout).outcome).toBe('budget');
      }
      const deleted = lib.playlists[5]!;
      let churned = false;
      const churn = (info: RequestInfo) => {
        // Its first page (a 304 as often as not: the playlists' etags are stable).
        if (churned || info.resource !== 'playlists' || info.query.pageToken || ![200, 304].includes(info.status)) return;
        churned = true;
        lib.deletePlaylist(deleted.id);
      };
      s.emulator.on('request', churn);
      const last = await runInProcess(['pull', '--json'], s.ws.env);
      s.emulator.off('request', churn);
      expect(last.code, last.stderr).toBe(0);
      expect(churned).toBe(true);
      const summary = JSON.parse(last.stdout);
      expect(summary).toMatchObject({ outcome: 'complete', resumed: true, warnings: [], changes: { restarts: 1, playlistsRemoved: 1 } });
      await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), lib.expectedMirror()));
    } finally {
      await s.stop();
    }
  });
});
