import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import type { ExpectedMirror } from '../fakes/library.js';

async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

export interface ActualMirror {
  playlists: Array<{ youtube_id: string; kind: string; title: string | null; description: string | null; privacy_status: string | null; item_count: number | null; removed_at: Date | null }>;
  items: Array<{ youtube_id: string; playlist: string; video: string; position: number | null; removed_at: Date | null }>;
  videos: Array<{
    youtube_id: string;
    title: string | null;
    description: string | null;
    channel_id: string | null;
    channel_title: string | null;
    published_at: Date | null;
    duration_seconds: number | null;
    privacy_status: string | null;
    unavailable_since: Date | null;
    unavailable_reason: string | null;
  }>;
  subscriptions: Array<{
    channel_youtube_id: string;
    youtube_id: string;
    title: string | null;
    description: string | null;
    thumbnail_url: string | null;
    subscribed_at: Date | null;
    removed_at: Date | null;
  }>;
}

export async function readMirror(db: Db): Promise<ActualMirror> {
  return {
    playlists: await rows(db, sql`SELECT youtube_id, kind, title, description, privacy_status, item_count, removed_at FROM playlists ORDER BY id`),
    items: await rows(
      db,
      sql`SELECT pv.youtube_id, p.youtube_id AS playlist, v.youtube_id AS video, pv.position, pv.removed_at
            FROM playlist_videos pv JOIN playlists p ON p.id = pv.playlist_id JOIN videos v ON v.id = pv.video_id
           ORDER BY p.youtube_id, pv.position, pv.youtube_id`,
    ),
    videos: await rows(
      db,
      sql`SELECT youtube_id, title, description, channel_id, channel_title, published_at, duration_seconds, privacy_status,
                 unavailable_since, unavailable_reason FROM videos ORDER BY youtube_id`,
    ),
    subscriptions: await rows(
      db,
      sql`SELECT channel_youtube_id, youtube_id, title, description, thumbnail_url, subscribed_at, removed_at
            FROM subscriptions ORDER BY channel_youtube_id`,
    ),
  };
}

/**
 * Asserts the mirror equals the emulator's ground truth: every live playlist with its
 * metadata, every live item of every list in order, details of every available video, every
 * unavailable one flagged, and every subscription. Removed rows may exist but must be marked removed.
 */
export function expectExactMirror(actual: ActualMirror, expected: ExpectedMirror): void {
  const livePlaylists = actual.playlists.filter((p) => p.removed_at === null && p.kind === 'playlist');
  expect(livePlaylists.map((p) => p.youtube_id).sort()).toEqual(expected.playlists.map((p) => p.id).sort());
  const byId = new Map(livePlaylists.map((p) => [p.youtube_id, p]));
  for (const p of expected.playlists) {
    const row = byId.get(p.id)!;
    expect({ id: p.id, title: row.title, description: row.description, privacy: row.privacy_status, itemCount: row.item_count }).toEqual({
      id: p.id,
      title: p.title,
      description: p.description,
      privacy: p.privacyStatus,
      itemCount: p.itemCount,
    });
  }
  const likes = actual.playlists.find((p) => p.youtube_id === expected.likesPlaylistId);
  expect(likes?.kind).toBe('likes');
  expect(likes?.removed_at).toBeNull();

  const liveItems = new Map<string, Array<{ itemId: string; videoId: string; position: number | null }>>();
  for (const item of actual.items) {
    if (item.removed_at !== null) continue;
    const list = liveItems.get(item.playlist) ?? [];
    list.push({ itemId: item.youtube_id, videoId: item.video, position: item.position });
    liveItems.set(item.playlist, list);
  }
  for (const [playlistId, items] of Object.entries(expected.items)) {
    expect({ playlistId, items: liveItems.get(playlistId) ?? [] }).toEqual({ playlistId, items });
    liveItems.delete(playlistId);
  }
  // No live item may remain in a playlist the account no longer has.
  expect([...liveItems.keys()]).toEqual([]);

  const videos = new Map(actual.videos.map((v) => [v.youtube_id, v]));
  for (const [id, v] of Object.entries(expected.availableVideos)) {
    const row = videos.get(id);
    expect(row, `video ${id}`).toBeDefined();
    expect({
      id,
      title: row!.title,
      description: row!.description,
      channelId: row!.channel_id,
      channelTitle: row!.channel_title,
      publishedAt: row!.published_at ? new Date(row!.published_at).toISOString().replace('.000Z', 'Z') : null,
      durationSeconds: row!.duration_seconds,
      privacyStatus: row!.privacy_status,
      unavailableSince: row!.unavailable_since,
    }).toEqual({ id, ...v, publishedAt: v.publishedAt.replace('.000Z', 'Z'), unavailableSince: null });
  }
  for (const id of expected.unavailableVideoIds) {
    expect(videos.get(id)?.unavailable_since ?? null, `video ${id} should be unavailable`).not.toBeNull();
  }

  const liveSubscriptions = actual.subscriptions
    .filter((s) => s.removed_at === null)
    .map((s) => ({
      subscriptionId: s.youtube_id,
      channelId: s.channel_youtube_id,
      title: s.title,
      description: s.description,
      thumbnailUrl: s.thumbnail_url,
      subscribedAt: s.subscribed_at ? new Date(s.subscribed_at).toISOString().replace('.000Z', 'Z') : null,
    }));
  expect(liveSubscriptions).toEqual(expected.subscriptions);
}
