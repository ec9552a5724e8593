import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/connection.js';
import type { ExpectedMirror } from '../fakes/library.js';

/** Every unit the program recorded in its ledger, all quota days together. */
export async function ledgerUnits(db: Db): Promise<number> {
  const result = (await db.execute(sql`SELECT coalesce(sum(units), 0)::int AS units FROM quota_usage`)) as unknown as {
    rows: Array<{ units: number }>;
  };
  return result.rows[0]!.units;
}

/** Requests of a first full sync, per resource, in the order the passes make them. */
export function referenceRequests(expected: ExpectedMirror): Array<'channels' | 'playlists' | 'subscriptions' | 'playlistItems' | 'videos'> {
  const videos = new Set(Object.values(expected.items).flat().map((i) => i.videoId)).size;
  return [
    'channels',
    ...Array<'playlists'>(Math.max(1, Math.ceil(expected.playlists.length / 50))).fill('playlists'),
    ...Array<'subscriptions'>(Math.max(1, Math.ceil(expected.subscriptionsPaged / 50))).fill('subscriptions'),
    ...Array<'playlistItems'>(Object.values(expected.pagedSizes).reduce((n, size) => n + Math.max(1, Math.ceil(size / 50)), 0)).fill('playlistItems'),
    ...Array<'videos'>(Math.ceil(videos / 50)).fill('videos'),
  ];
}

/** Row-level sanity that holds after any exit, complete or not: nothing dangling, nothing duplicated. */
export async function integrity(db: Db): Promise<Record<string, number>> {
  const result = (await db.execute(sql`
    SELECT
      (SELECT count(*)::int FROM playlist_videos pv LEFT JOIN videos v ON v.id = pv.video_id WHERE v.id IS NULL) AS "danglingVideo",
      (SELECT count(*)::int FROM playlist_videos pv LEFT JOIN playlists p ON p.id = pv.playlist_id WHERE p.id IS NULL) AS "danglingPlaylist",
      (SELECT count(*)::int - count(DISTINCT youtube_id)::int FROM playlist_videos) AS "duplicateItems",
      (SELECT count(*)::int - count(DISTINCT youtube_id)::int FROM videos) AS "duplicateVideos",
      (SELECT count(*)::int - count(DISTINCT youtube_id)::int FROM playlists) AS "duplicatePlaylists"`)) as unknown as {
    rows: Array<Record<string, number>>;
  };
  return result.rows[0]!;
}

export const INTACT = { danglingVideo: 0, danglingPlaylist: 0, duplicateItems: 0, duplicateVideos: 0, duplicatePlaylists: 0 };
