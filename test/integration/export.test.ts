import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { generateLibrary } from '../fakes/generate-library.js';
import { YouTubeEmulator } from '../fakes/youtube-emulator.js';
import { runInProcess } from '../support/cli.js';
import { createWorkspace, TEST_DATABASE, type Workspace } from '../support/database.js';

const iso = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());
const utc = (v: unknown) => (v === null ? '' : new Date(v as string).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ''));
const availability = (reason: string | null) => (reason === null ? 'available' : reason === 'missing' ? 'unavailable' : reason);

/** The database's content, read with its own SQL: what every export must say. */
async function databaseContent(db: Db, includeRemoved: boolean) {
  const q = async (query: ReturnType<typeof sql>) => ((await db.execute(query)) as unknown as { rows: Array<Record<string, any>> }).rows;
  const playlists = await q(sql`SELECT id, youtube_id, kind, title, description, privacy_status, published_at, first_seen, removed_at FROM playlists
                                WHERE ${includeRemoved} OR removed_at IS NULL`);
  const items = await q(sql`SELECT pv.playlist_id, pv.youtube_id, pv.position, pv.added_at, pv.first_seen, pv.removed_at, v.youtube_id AS video_id, v.title,
                                   v.description, v.channel_id, v.channel_title, v.published_at, v.duration_seconds, v.privacy_status,
                                   v.unavailable_reason, v.unavailable_since
                              FROM playlist_videos pv JOIN videos v ON v.id = pv.video_id WHERE ${includeRemoved} OR pv.removed_at IS NULL
                             ORDER BY (pv.removed_at IS NOT NULL), pv.position, pv.removed_at, pv.id`);
  return playlists.map((p) => ({
    playlistId: p.youtube_id,
    kind: p.kind,
    title: p.title,
    description: p.description,
    privacyStatus: p.privacy_status,
    publishedAt: iso(p.published_at),
    firstSeen: iso(p.first_seen),
    removedAt: iso(p.removed_at),
    items: items
      .filter((i) => i.playlist_id === p.id)
      .map((i) => ({
        position: i.position,
        itemId: i.youtube_id,
        videoId: i.video_id,
        url: `https://www.youtube.com/watch?v=${i.video_id}`,
        title: i.title,
        channelTitle: i.channel_title,
        channelId: i.channel_id,
        durationSeconds: i.duration_seconds,
        publishedAt: iso(i.published_at),
        addedAt: iso(i.added_at),
        firstSeen: iso(i.first_seen),
        removedAt: iso(i.removed_at),
        availability: availability(i.unavailable_reason),
        unavailableSince: iso(i.unavailable_since),
        privacyStatus: i.privacy_status,
        description: i.description,
      })),
  }));
}

describe(`export: a complete, readable backup (${TEST_DATABASE})`, () => {
  let emulator: YouTubeEmulator;
  let ws: Workspace;
  let removedItem: string;
  let removedPlaylist: string;
  let unsubscribed: string;

  beforeAll(async () => {
    emulator = await YouTubeEmulator.start({
      library: generateLibrary({ seed: 23, playlists: 6, items: 300, likes: 25, deletedRate: 0.05, privateRate: 0.05, duplicateRate: 0.03 }),
    });
    ws = await createWorkspace(emulator);
    await ws.seedCredentials(emulator);
    expect((await runInProcess(['pull'], ws.env)).code).toBe(0);
    const lib = emulator.library;
    const [first, second] = lib.playlists.filter((p) => p.items.length > 3);
    removedItem = first!.items[1]!.id;
    lib.removeItem(first!.id, removedItem);
    removedPlaylist = second!.id;
    lib.deletePlaylist(removedPlaylist);
    unsubscribed = lib.subscriptions.find((s) => !s.gone)!.channel.id;
    lib.unsubscribe(unsubscribed);
    expect((await runInProcess(['pull'], ws.env)).code).toBe(0);
  });
  afterAll(async () => {
    await emulator.stop();
    await ws.cleanup();
  });

  it('JSON to stdout parses back to the database content, in YouTube order', async () => {
    const result = await runInProcess(['export'], ws.env);
    expect(result.code).toBe(0);
    const backup = JSON.parse(result.stdout);
    expect(backup).toMatchObject({ format: 'ytsync-export', version: 1, includeRemoved: false, account: { channelId: emulator.library.channel.id } });

    const expected = emulator.library.expectedMirror();
    // Playlists in the order YouTube lists them (newest first), the Liked list last; items in playlist order.
    expect(backup.playlists.map((p: { playlistId: string }) => p.playlistId)).toEqual([...expected.playlists.map((p) => p.id), 'LL']);
    for (const p of backup.playlists) {
      expect(p.items.map((i: { itemId: string }) => i.itemId)).toEqual(expected.items[p.playlistId]!.map((i) => i.itemId));
      expect(p.itemCount).toBe(p.items.length);
    }
    const content = await ws.withDb((db) => databaseContent(db, false));
    const strip = ({ url: _u, itemCount: _c, ...p }: Record<string, unknown>) => p;
    expect(backup.playlists.map(strip)).toEqual(backup.playlists.map((p: { playlistId: string }) => content.find((c) => c.playlistId === p.playlistId)));
    const items = backup.playlists.flatMap((p: { items: unknown[] }) => p.items);
    expect(items.some((i: { availability: string }) => i.availability === 'deleted')).toBe(true);
    expect(items.some((i: { availability: string }) => i.availability === 'private')).toBe(true);
    expect(items.every((i: { title: string | null }) => i.title !== 'Deleted video' && i.title !== 'Private video')).toBe(true);

    // Subscriptions: every live one, as YouTube lists them (alphabetically), with their pages and feeds.
    expect(result.stderr).toMatch(new RegExp(`^exported \\d+ playlists, \\d+ items, ${expected.subscriptions.length} subscriptions \\(json\\)`));
    const byTitle = (a: { title: string }, b: { title: string }) => a.title.toLocaleLowerCase('en-US').localeCompare(b.title.toLocaleLowerCase('en-US'), 'en-US');
    expect(backup.subscriptions).toEqual(
      [...expected.subscriptions].sort(byTitle).map((s) => ({
        channelId: s.channelId,
        title: s.title,
        url: `https://www.youtube.com/channel/${s.channelId}`,
        feedUrl: `https://www.youtube.com/feeds/videos.xml?channel_id=${s.channelId}`,
        subscribedAt: s.subscribedAt.replace('Z', '.000Z'),
        firstSeen: expect.any(String),
        removedAt: null,
        thumbnailUrl: s.thumbnailUrl,
        description: s.description,
      })),
    );
    const all = JSON.parse((await runInProcess(['export', '--include-removed'], ws.env)).stdout);
    expect(all.subscriptions.at(-1)).toMatchObject({ channelId: unsubscribed, removedAt: expect.any(String) });
  });

  it('CSV (one file, playlist columns) read by a real CSV parser equals the same rows; --include-removed adds the rest', async () => {
    const out = path.join(ws.home, 'backup.csv');
    const result = await runInProcess(['export', '--out', out, '--include-removed'], ws.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^exported \d+ playlists, \d+ items to .*backup\.csv \(csv\)/);
    const raw = await readFile(out);
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 byte-order mark, for spreadsheets
    const rows = parse(raw, { bom: true, columns: true }) as Array<Record<string, string>>;

    const content = await ws.withDb((db) => databaseContent(db, true));
    const expected = content
      .flatMap((p) =>
        p.items.map((i) => ({
          playlist_id: p.playlistId,
          playlist_title: p.title ?? '',
          playlist_kind: p.kind,
          position: String(i.position),
          video_id: i.videoId,
          title: i.title ?? '',
          channel_title: i.channelTitle ?? '',
          channel_id: i.channelId ?? '',
          duration: i.durationSeconds === null ? '' : `${Math.floor(i.durationSeconds / 3600)}:${String(Math.floor((i.durationSeconds % 3600) / 60)).padStart(2, '0')}:${String(i.durationSeconds % 60).padStart(2, '0')}`,
          duration_seconds: i.durationSeconds === null ? '' : String(i.durationSeconds),
          published_at_utc: utc(i.publishedAt),
          added_at_utc: utc(i.addedAt),
          availability: i.availability,
          unavailable_since_utc: utc(i.unavailableSince),
          removed_at_utc: utc(i.removedAt),
          item_id: i.itemId,
          url: i.url,
        })),
      );
    const key = (r: Record<string, string>) => r.item_id!;
    expect([...rows].sort((x, y) => key(x).localeCompare(key(y)))).toEqual(expected.sort((x, y) => key(x).localeCompare(key(y))));
    expect(rows.find((r) => r.item_id === removedItem)?.removed_at_utc).not.toBe('');
    expect(rows.some((r) => r.playlist_id === removedPlaylist)).toBe(true);
    // The tricky titles survive: quotes, commas, tabs, emoji, RTL text.
    expect(rows.some((r) => /["\t]|👨‍👩‍👧‍👦|مرحبا/.test(r.title!))).toBe(true);

    const live = await runInProcess(['export', '--format', 'csv'], ws.env);
    const liveRows = parse(live.stdout, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(liveRows.length).toBe(rows.filter((r) => r.removed_at_utc === '' && r.playlist_id !== removedPlaylist).length);
    expect(live.stderr).toMatch(/^exported/);
  });
});
