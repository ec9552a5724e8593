import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Library } from '../fakes/library.js';
import type { RequestInfo } from '../fakes/youtube-emulator.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { minimumUnits } from '../support/quota.js';
import { expectNoStackTrace, rows, startScenario, type Scenario } from '../support/scenario.js';

/**
 * Issue 9, acceptance 1 and the Liked list's other real-API quirks. Real Liked lists report a
 * pageInfo.totalResults that counts private videos they never return (recorded: 28 reported, 10
 * returned); channels.list may name no Liked list at all ("" or no key).
 */
describe(`the Liked list as YouTube really serves it (${TEST_DATABASE})`, () => {
  let s: Scenario;
  let lib: Library;
  let likesRequests: RequestInfo[];

  beforeEach(async () => {
    s = await startScenario({ seed: 8, playlists: 3, items: 90, likes: 110, deletedRate: 0, privateRate: 0 });
    lib = s.emulator.library;
    likesRequests = [];
    s.emulator.on('request', (info: RequestInfo) => {
      if (info.resource === 'playlistItems' && info.query.playlistId === 'LL') likesRequests.push(info);
    });
  });
  afterEach(() => s.stop());

  /** Makes `n` liked videos private (in no other list): the Liked list hides them, still counting them. */
  function hideLikes(n: number): string[] {
    const elsewhere = new Set(lib.playlists.flatMap((p) => p.items.map((it) => it.videoId)));
    const hidden = lib.likes.items.filter((it) => !elsewhere.has(it.videoId)).slice(0, n);
    expect(hidden).toHaveLength(n);
    for (const it of hidden) lib.makePrivate(it.videoId);
    return hidden.map((it) => it.id);
  }

  it('totalResults 30 above what it returns: read once per pull; an un-like is marked removed the next night; units = the minimum', async () => {
    hideLikes(30);
    const firstPage = await fetch(`${s.emulator.url}youtube/v3/playlistItems?playlistId=LL&part=id&maxResults=50`, {
      headers: { authorization: `Bearer ${s.emulator.issueAccessToken()}` },
    }).then((r) => r.json() as Promise<{ pageInfo: { totalResults: number } }>);
    s.emulator.quota.resetDay(); // that look cost a unit; the pulls below start a fresh count
    likesRequests.length = 0;
    const expected = lib.expectedMirror();
    expect(firstPage.pageInfo.totalResults).toBe(expected.items.LL!.length + 30);

    const first = await runInProcess(['pull', '--json'], s.ws.env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).not.toMatch(/reading it again|kept changing/);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ outcome: 'complete', warnings: [], changes: { restarts: 0 } });
    // One read: each of its pages once (they come back short: hidden videos keep their places).
    const pages = Math.ceil(expected.pagedSizes.LL! / 50);
    expect(likesRequests.map((r) => r.query.pageToken ?? '')).toHaveLength(pages);
    expect(s.emulator.quota.used).toBe(minimumUnits(expected));
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
    // Its size is YouTube's count, hidden private videos included, as for a playlist's itemCount.
    const likesRow = (await s.ws.withDb(readMirror)).playlists.find((p) => p.youtube_id === 'LL');
    expect(likesRow).toMatchObject({ kind: 'likes', item_count: firstPage.pageInfo.totalResults });

    // Next night: one video un-liked.
    const unliked = expected.items.LL![7]!;
    lib.removeItem('LL', unliked.itemId);
    likesRequests.length = 0;
    s.emulator.quota.resetDay();
    const second = await runInProcess(['pull', '--json'], s.ws.env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).changes).toMatchObject({ itemsRemoved: 1, restarts: 0 });
    expect(likesRequests).toHaveLength(pages);
    const after = lib.expectedMirror();
    const mirror = await s.ws.withDb(readMirror);
    expectExactMirror(mirror, after);
    expect(mirror.items.find((i) => i.youtube_id === unliked.itemId)?.removed_at).not.toBeNull();
    expect(s.emulator.quota.used).toBe(minimumUnits(after, [unliked.videoId]));
  });

  it('a like hidden by a video turned private is marked removed, and live again (same item) when it is public again', async () => {
    const first = await runInProcess(['pull'], s.ws.env);
    expect(first.code, first.stderr).toBe(0);
    const [item] = hideLikes(1);
    const hiddenNight = await runInProcess(['pull', '--json'], s.ws.env);
    expect(hiddenNight.code, hiddenNight.stderr).toBe(0);
    expect(JSON.parse(hiddenNight.stdout).changes.itemsRemoved).toBe(1);
    const videoId = lib.likes.items.find((it) => it.id === item)!.videoId;
    await s.ws.withDb(async (db) => {
      const [row] = await rows<{ removed_at: Date | null; reason: string | null }>(
        db,
        sql`SELECT pv.removed_at, v.unavailable_reason AS reason FROM playlist_videos pv JOIN videos v ON v.id = pv.video_id WHERE pv.youtube_id = ${item}`,
      );
      expect(row!.removed_at).not.toBeNull();
      // Its video was checked once more as it left: videos.list leaves it out.
      expect(row!.reason).toBe('missing');
    });
    const changes = await runInProcess(['changes'], s.ws.env);
    expect(changes.stdout).toContain('unavailable (the API no longer returns it)');
    expect(changes.stdout).not.toContain('removed by you');

    // Public again: the same item shows up again, on a page that changed (a 200, not a 304).
    lib.restoreVideo(videoId);
    likesRequests.length = 0;
    const back = await runInProcess(['pull', '--json'], s.ws.env);
    expect(back.code, back.stderr).toBe(0);
    expect(likesRequests.map((r) => r.status)).toEqual(likesRequests.map(() => 200));
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), lib.expectedMirror()));
    await s.ws.withDb(async (db) => {
      const [row] = await rows<{ removed_at: Date | null }>(db, sql`SELECT removed_at FROM playlist_videos WHERE youtube_id = ${item}`);
      expect(row!.removed_at).toBeNull();
    });
  });

  it.each(['', 'absent'] as const)('relatedPlaylists.likes %j: said once per pull and in status warnings; the rest is mirrored; a stored Liked list is kept', async (answer) => {
    const first = await runInProcess(['pull'], s.ws.env);
    expect(first.code, first.stderr).toBe(0);
    const storedLikes = await s.ws.withDb(async (db) => (await readMirror(db)).items.filter((i) => i.playlist === 'LL' && i.removed_at === null).length);
    expect(storedLikes).toBeGreaterThan(0);

    // A new run (the channel is read once per run): YouTube now names no Liked list.
    lib.likesAnswer = answer;
    likesRequests.length = 0;
    const second = await runInProcess(['pull', '--json'], s.ws.env);
    expect(second.code, second.stderr).toBe(0);
    expectNoStackTrace(second.stderr);
    const said = second.stderr.split('\n').filter((line) => /names no Liked videos list/.test(line));
    expect(said).toHaveLength(1);
    const summary = JSON.parse(second.stdout);
    expect(summary.outcome).toBe('complete');
    expect(summary.warnings).toEqual([expect.stringMatching(/names no Liked videos list/)]);
    expect(likesRequests).toEqual([]);
    const status = JSON.parse((await runInProcess(['status', '--json'], s.ws.env)).stdout);
    expect(status.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/names no Liked videos list/)]));

    const mirror = await s.ws.withDb(readMirror);
    const expected = lib.expectedMirror();
    expect(expected.likesPlaylistId).toBeNull();
    expectExactMirror(mirror, { ...expected, likesPlaylistId: 'LL', items: { ...expected.items, LL: mirror.items.filter((i) => i.playlist === 'LL' && !i.removed_at).map((i) => ({ itemId: i.youtube_id, videoId: i.video, position: i.position! })) } });
    // What was stored of the Liked list stays as it was: not read, not removed.
    expect(mirror.items.filter((i) => i.playlist === 'LL' && i.removed_at === null)).toHaveLength(storedLikes);
  });
});
