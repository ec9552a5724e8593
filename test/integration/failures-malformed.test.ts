import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { videoThumbnails } from '../fakes/api-resources.js';
import { generateLibrary } from '../fakes/generate-library.js';
import type { ExpectedMirror, Item, Library } from '../fakes/library.js';
import { YouTubeEmulator } from '../fakes/youtube-emulator.js';
import { runInProcess } from '../support/cli.js';
import { createWorkspace, TEST_DATABASE, type Workspace } from '../support/database.js';
import { INTACT, integrity } from '../support/failures.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';

const EMOJI = ['😀', '🎵', '🔥', '👨‍👩‍👧‍👦', '🏳️‍🌈', '𝕗', '日', 'é'];
/** `n` user-perceived characters, mostly astral-plane emoji and ZWJ sequences. */
function emojiText(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += EMOJI[i % EMOJI.length]!;
  return s;
}

/** The URL of the largest thumbnail the emulator shows for a video. */
function largestThumbnail(videoId: string): string {
  const sizes = videoThumbnails(videoId) as Record<string, { url: string }>;
  return (sizes.maxres ?? sizes.standard ?? sizes.high)!.url;
}

function graphemes(s: string): number {
  return [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(s)].length;
}

/**
 * What a correct mirror holds when the API served these malformations: PostgreSQL text cannot
 * hold NUL, so that one character is dropped (documented in src/youtube/mappers.ts); an item
 * with no video id, or no id of its own, cannot be stored (nor its video, if nothing else uses it).
 */
function storable(expected: ExpectedMirror, playlistId: string, unstorable: Item[]): ExpectedMirror {
  const clean = (s: string) => s.replaceAll('\u0000', '');
  const dropped = new Set(unstorable.map((it) => it.id));
  const items = { ...expected.items, [playlistId]: expected.items[playlistId]!.filter((i) => !dropped.has(i.itemId)) };
  const used = new Set(Object.values(items).flatMap((list) => list.map((i) => i.videoId)));
  const orphaned = new Set(unstorable.map((it) => it.videoId).filter((id) => !used.has(id)));
  return {
    ...expected,
    items,
    playlists: expected.playlists.map((p) => ({ ...p, title: clean(p.title), description: clean(p.description) })),
    availableVideos: Object.fromEntries(
      Object.entries(expected.availableVideos)
        .filter(([id]) => !orphaned.has(id))
        .map(([id, v]) => [id, { ...v, title: clean(v.title), description: clean(v.description) }]),
    ),
  };
}

describe(`malformed and extreme API data (${TEST_DATABASE})`, () => {
  let emulator: YouTubeEmulator;
  let ws: Workspace;
  let lib: Library;

  beforeEach(async () => {
    lib = generateLibrary({ seed: 66, playlists: 5, items: 300, likes: 40, deletedRate: 0.06, privateRate: 0.06, duplicateRate: 0.03 });
    emulator = await YouTubeEmulator.start({ library: lib });
    ws = await createWorkspace(emulator);
    await ws.seedCredentials(emulator);
  });
  afterEach(async () => {
    await emulator.stop();
    await ws.cleanup();
  });

  it('items without snippet, contentDetails or video id, null thumbnails, 10,000-character emoji titles, NUL → exit 0, stored intact; a later malformed answer erases nothing', async () => {
    const available = (it: Item) => ['public', 'unlisted'].includes(lib.getVideo(it.videoId)?.status ?? '');
    const big = lib.playlists.reduce((p, q) => (p.items.length >= q.items.length ? p : q));
    const hidden = big.items.find((it) => !available(it))!;
    const [a, b, c, d] = big.items.filter(available).slice(10, 14) as [Item, Item, Item, Item];
    const liked = lib.likes.items.find(available)!;
    const orphan = big.items[60]!; // on the second page
    const nameless = big.items[75]!; // served without its own id, on the same page
    expect([hidden, a, b, c, d, liked].every(Boolean)).toBe(true);
    expect([hidden, a, b, c, d].map((i) => i.id)).not.toContain(orphan.id);
    expect([hidden, a, b, c, d].map((i) => i.id)).not.toContain(nameless.id);

    // ---- first pull: malformed from the start ------------------------------------------------
    lib.malform(a.id, 'noSnippet');
    lib.malform(b.id, 'noContentDetails');
    lib.malform(c.id, 'noContentDetails');
    lib.malform(c.id, 'nullThumbnails');
    lib.malform(hidden.id, 'noSnippet'); // a deleted/private video's placeholder, without its snippet
    lib.malform(liked.id, 'nullThumbnails');
    lib.malform(d.videoId, 'nullThumbnails'); // videos.list: thumbnails null
    lib.malform(orphan.id, 'noVideoId');
    lib.malform(nameless.id, 'noId');
    // No snippet, so no position of its own, on a later page: its place is counted from the page's offset.
    const later = big.items.slice(70).find(available)!;
    lib.malform(later.id, 'noSnippet');

    const longTitle = emojiText(10_000);
    expect(graphemes(longTitle)).toBe(10_000);
    lib.updateVideo(a.videoId, { title: longTitle, description: emojiText(10_000) }); // its item has no snippet: known from videos.list only
    lib.updateVideo(b.videoId, { title: emojiText(10_000) }); // seen in the item's snippet first
    lib.updatePlaylist(big.id, { title: emojiText(10_000), description: `NUL \u0000 in a playlist description` });
    lib.updateVideo(c.videoId, { description: `line one\u0000line two`, title: `NUL\u0000title` });

    const first = await runInProcess(['pull', '--json'], ws.env);
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary.outcome).toBe('complete');
    // The item without a video id still counts on its page: the list reads as complete, not as changing.
    expect(summary.changes.restarts).toBe(0);
    expect(first.stderr).not.toMatch(/unexpected/);

    let expected = storable(lib.expectedMirror(), big.id, [orphan, nameless]);
    const item = big.items[7]!; // a plain item, for the second pull
    const probe = [a.videoId, b.videoId, c.videoId, d.videoId];
    const read = () =>
      ws.withDb(async (db) => {
        expect(await integrity(db)).toEqual(INTACT);
        const mirror = await readMirror(db);
        expectExactMirror(mirror, expected);
        const videos = ((await db.execute(
          sql`SELECT youtube_id, title, description, channel_id, channel_title, published_at, duration_seconds, privacy_status, thumbnail_url, unavailable_since
                FROM videos WHERE youtube_id IN (${probe[0]}, ${probe[1]}, ${probe[2]}, ${probe[3]})`,
        )) as unknown as { rows: Array<Record<string, unknown> & { youtube_id: string; title: string; description: string; thumbnail_url: string | null }> }).rows;
        const [playlist] = ((await db.execute(sql`SELECT title, description FROM playlists WHERE youtube_id = ${big.id}`)) as unknown as {
          rows: Array<{ title: string; description: string }>;
        }).rows;
        const [stored] = ((await db.execute(sql`SELECT added_at FROM playlist_videos WHERE youtube_id = ${item.id}`)) as unknown as {
          rows: Array<{ added_at: Date | null }>;
        }).rows;
        return { mirror, videos: new Map(videos.map((v) => [v.youtube_id, v])), playlist: playlist!, addedAt: stored!.added_at };
      });
    const after1 = await read();
    expect(after1.videos.get(a.videoId)!.title).toBe(longTitle);
    expect(graphemes(after1.videos.get(a.videoId)!.title)).toBe(10_000);
    expect(after1.videos.get(b.videoId)!.title).toBe(lib.getVideo(b.videoId)!.title);
    expect(after1.videos.get(c.videoId)!).toMatchObject({ title: 'NULtitle', description: 'line oneline two' });
    // videos.list gave no thumbnails: the one its item showed is kept (never replaced by nothing).
    expect(after1.videos.get(d.videoId)!.thumbnail_url).toBe(largestThumbnail(d.videoId));
    expect(after1.playlist).toEqual({ title: lib.getPlaylist(big.id)!.title, description: 'NUL  in a playlist description' });
    expect(after1.mirror.items.find((i) => i.youtube_id === orphan.id)).toBeUndefined();
    expect(after1.mirror.items.find((i) => i.youtube_id === nameless.id)).toBeUndefined();
    // The items after it keep their real positions (61, 62…), not shifted up.
    expect(after1.mirror.items.find((i) => i.youtube_id === big.items[61]!.id)?.position).toBe(61);
    expect(after1.addedAt).not.toBeNull();

    // ---- second pull: answers about known things come back without parts --------------------
    lib.malform(b.videoId, 'noSnippet');
    lib.malform(c.videoId, 'noContentDetails');
    lib.malform(d.videoId, 'noSnippet');
    lib.malform(d.videoId, 'noContentDetails');
    lib.malform(item.id, 'noSnippet');
    // An item leaves the list that holds the nameless one: the read still marks it removed (an
    // item without an id must not make the read's evidence unusable).
    const leaving = big.items.at(-1)!;
    expect([a, b, c, d, hidden, orphan, nameless, item].map((i) => i.id)).not.toContain(leaving.id);
    lib.removeItem(big.id, leaving.id);
    // playlists.list: one playlist without any of its parts, the big one without its status.
    const other = lib.playlists.find((p) => p !== big)!;
    for (const part of ['noSnippet', 'noStatus', 'noContentDetails'] as const) lib.malform(other.id, part);
    lib.malform(big.id, 'noStatus');
    // channels.list without the parts that name the account and its Liked list; a liked video
    // added since the first pull (at the end: no other item moves) shows whether it was still read.
    lib.malform(lib.channel.id, 'noSnippet');
    lib.malform(lib.channel.id, 'noContentDetails');
    const newlyLiked = lib.playlists.flatMap((p) => p.items).find((it) => available(it) && !lib.likes.items.some((l) => l.videoId === it.videoId))!;
    lib.addItem(lib.likes.id, newlyLiked.videoId, lib.likes.items.length);
    const accountRow = () => ws.withDb(async (db) => ((await db.execute(sql`SELECT title, likes_playlist_id FROM account`)) as unknown as { rows: unknown[] }).rows);
    const account1 = await accountRow();
    expect(account1).toEqual([{ title: lib.channel.title, likes_playlist_id: 'LL' }]);
    const second = await runInProcess(['pull', '--json'], ws.env);
    expect(second.code, second.stderr).toBe(0);
    const summary2 = JSON.parse(second.stdout);
    // The one item added is the like, the one removed the last of the big list; nothing
    // malformed reads as a change.
    expect(summary2.changes).toMatchObject({ itemsChanged: 1, itemsRemoved: 1, videosUnavailable: 0 });
    expect(summary2.warnings).toEqual([]);
    expected = storable(lib.expectedMirror(), big.id, [orphan, nameless]);
    const after2 = await read();
    expect(after2.videos).toEqual(after1.videos);
    expect(after2.addedAt).toEqual(after1.addedAt);
    // What a playlist answer left out is kept as stored, not replaced by nothing (read() holds
    // every playlist's title, description, privacy and count to the library's).
    expect(after2.playlist).toEqual(after1.playlist);
    expect(after2.mirror.items.some((i) => i.playlist === lib.likes.id && i.video === newlyLiked.videoId)).toBe(true);
    expect(await accountRow()).toEqual(account1);
  });
});
