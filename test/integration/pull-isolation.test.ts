import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Library, Playlist, Refusal } from '../fakes/library.js';
import type { RequestInfo } from '../fakes/youtube-emulator.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { expectNoStackTrace, rows, startScenario, type Scenario } from '../support/scenario.js';

/**
 * Issue 9, acceptance 3: one playlist YouTube refuses to show (403 playlistItemsNotAccessible, or
 * 404 playlistNotFound while playlists.list still lists it) never blocks the rest: skipped with a
 * warning naming it, its stored items exactly as they were, exit 0, and tried again every night.
 */
describe.each(['notAccessible', 'notFound'] as Refusal[])(`a playlist whose items YouTube refuses (%s) (${TEST_DATABASE})`, (refusal) => {
  let s: Scenario;
  let lib: Library;

  beforeEach(async () => {
    s = await startScenario({ seed: 13, playlists: 6, items: 300, likes: 30 });
    lib = s.emulator.library;
  });
  afterEach(() => s.stop());

  /** The bad playlist's stored rows, row versions included: "exactly as they were". */
  const storedRows = (playlistId: string) =>
    s.ws.withDb((db) =>
      rows<Record<string, unknown>>(
        db,
        sql`SELECT pv.youtube_id, pv.position, pv.removed_at, pv.xmin::text AS version FROM playlist_videos pv JOIN playlists p ON p.id = pv.playlist_id
             WHERE p.youtube_id = ${playlistId} ORDER BY pv.youtube_id`,
      ),
    );

  it('two nights in a row: exit 0, the others exact, its items untouched, named in the output and in status --json warnings; then read again once it answers', async () => {
    const first = await runInProcess(['pull'], s.ws.env);
    expect(first.code, first.stderr).toBe(0);
    const bad = lib.playlists.filter((p) => p.items.length > 60)[0]!;
    const before = await storedRows(bad.id);
    expect(before.length).toBe(bad.items.length);

    lib.refuseItems(bad.id, refusal);
    // What YouTube would show if it answered: one item gone, one added.
    lib.removeItem(bad.id, bad.items[3]!.id);
    lib.addItem(bad.id, bad.items[0]!.videoId);
    const others = lib.playlists.filter((p) => p !== bad && p.items.length > 0);

    const attempts: string[] = [];
    s.emulator.on('request', (info: RequestInfo) => {
      if (info.resource === 'playlistItems' && info.query.playlistId === bad.id) attempts.push(info.reason ?? String(info.status));
    });
    for (const night of [1, 2]) {
      // The rest of the library keeps changing, and must keep being mirrored.
      const other = others[night]!;
      lib.addItem(other.id, lib.addVideo({ title: `night ${night} upload` }));
      lib.removeItem(other.id, other.items[0]!.id);

      const result = await runInProcess(['pull', '--json'], s.ws.env);
      expect(result.code, result.stderr).toBe(0);
      expectNoStackTrace(result.stderr);
      const summary = JSON.parse(result.stdout);
      expect(summary.outcome).toBe('complete');
      const named = `playlist "${bad.title}" (${bad.id})`;
      expect(summary.warnings).toEqual([expect.stringContaining(named)]);
      expect(summary.warnings[0]).toMatch(new RegExp(`${refusal === 'notFound' ? 'playlistNotFound' : 'playlistItemsNotAccessible'}.*${before.length} stored items are kept as they were`));
      expect(result.stderr.split('\n').filter((line) => line.includes(named))).toHaveLength(1);
      const status = JSON.parse((await runInProcess(['status', '--json'], s.ws.env)).stdout);
      expect(status.warnings).toEqual([expect.stringContaining(named)]);

      const expected = lib.expectedMirror();
      const mirror = await s.ws.withDb(readMirror);
      // Exact, but for the refused playlist, whose stored items stay as they were.
      const storedBad = mirror.items.filter((i) => i.playlist === bad.id).map((i) => ({ itemId: i.youtube_id, videoId: i.video, position: i.position! }));
      expectExactMirror(mirror, { ...expected, items: { ...expected.items, [bad.id]: storedBad } });
      expect(await storedRows(bad.id)).toEqual(before);
    }
    // Tried again each night: once (it refuses on the first page).
    expect(attempts).toEqual(Array(2).fill(refusal === 'notFound' ? 'playlistNotFound' : 'playlistItemsNotAccessible'));

    // It answers again: read like any other, its changes mirrored, no warning left.
    lib.refuseItems(bad.id, undefined);
    const healed = await runInProcess(['pull', '--json'], s.ws.env);
    expect(healed.code, healed.stderr).toBe(0);
    expect(JSON.parse(healed.stdout).warnings).toEqual([]);
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), lib.expectedMirror()));
    expect(JSON.parse((await runInProcess(['status', '--json'], s.ws.env)).stdout).warnings).toEqual([]);
  });

  it('refused from the very first pull: the rest is mirrored, exit 0', async () => {
    const bad: Playlist = lib.playlists.find((p) => p.items.length > 0)!;
    lib.refuseItems(bad.id, refusal);
    const result = await runInProcess(['pull', '--json'], s.ws.env);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).warnings).toEqual([expect.stringMatching(/0 stored items are kept as they were/)]);
    // The mirror knows nothing of its items, nor of videos only they refer to.
    const expected = lib.expectedMirror();
    const items = { ...expected.items, [bad.id]: [] };
    const known = new Set(Object.values(items).flat().map((i) => i.videoId));
    await s.ws.withDb(async (db) =>
      expectExactMirror(await readMirror(db), {
        ...expected,
        items,
        availableVideos: Object.fromEntries(Object.entries(expected.availableVideos).filter(([id]) => known.has(id))),
        unavailableVideoIds: expected.unavailableVideoIds.filter((id) => known.has(id)),
      }),
    );
  });

  it('refused, then the run interrupted: the invocation that continues the run does not ask for it again, and still names it', async () => {
    const bad: Playlist = lib.playlists.find((p) => p.items.length > 0)!;
    lib.refuseItems(bad.id, refusal);
    const asked = () => s.emulator.requests.filter((r) => r.resource === 'playlistItems' && r.query.playlistId === bad.id).length;
    // Ctrl-C once the videos pass has begun: every list, the refused one included, is behind.
    const controller = new AbortController();
    const onRequest = (info: RequestInfo) => {
      if (info.resource === 'videos') controller.abort('SIGINT');
    };
    s.emulator.on('request', onRequest);
    const first = await runInProcess(['pull', '--concurrency', '1'], s.ws.env, { signal: controller.signal });
    s.emulator.off('request', onRequest);
    expect(first.code, first.stderr).toBe(130);
    expect(asked()).toBe(1);

    const second = await runInProcess(['pull', '--json'], s.ws.env);
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout);
    expect(summary).toMatchObject({ outcome: 'complete', resumed: true });
    expect(summary.warnings).toEqual([expect.stringContaining(bad.id)]);
    expect(asked()).toBe(1);
  });

  it('the Liked list refused: skipped, never taken for a deleted playlist', async () => {
    const first = await runInProcess(['pull'], s.ws.env);
    expect(first.code, first.stderr).toBe(0);
    const before = await storedRows('LL');
    lib.refuseItems('LL', refusal);
    const result = await runInProcess(['pull', '--json'], s.ws.env);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.warnings).toEqual([expect.stringMatching(/^the Liked videos list \(LL\) can't be read \(YouTube says (playlistNotFound|playlistItemsNotAccessible)\)/)]);
    expect(summary.changes.playlistsRemoved).toBe(0);
    const likes = (await s.ws.withDb(readMirror)).playlists.find((p) => p.youtube_id === 'LL');
    expect(likes).toMatchObject({ kind: 'likes', removed_at: null });
    expect(await storedRows('LL')).toEqual(before);
  });
});
