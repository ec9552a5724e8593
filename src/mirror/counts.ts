import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';

export interface MirrorCounts {
  playlists: number;
  videos: number;
  items: number;
  removedItems: number;
  unavailableVideos: number;
  /** Live subscriptions (removed ones are kept, not counted). */
  subscriptions: number;
}

/** SPEC.md counts: removed playlists and their items are left out unless named "removed…". */
export async function mirrorCounts(db: Db): Promise<MirrorCounts> {
  const result = (await db.execute(sql`
    SELECT
      (SELECT count(*)::int FROM playlists WHERE removed_at IS NULL) AS "playlists",
      (SELECT count(*)::int FROM videos) AS "videos",
      (SELECT count(*)::int FROM playlist_videos pv JOIN playlists p ON p.id = pv.playlist_id
        WHERE pv.removed_at IS NULL AND p.removed_at IS NULL) AS "items",
      (SELECT count(*)::int FROM playlist_videos WHERE removed_at IS NOT NULL) AS "removedItems",
      (SELECT count(*)::int FROM videos WHERE unavailable_since IS NOT NULL) AS "unavailableVideos",
      (SELECT count(*)::int FROM subscriptions WHERE removed_at IS NULL) AS "subscriptions"`)) as unknown as { rows: MirrorCounts[] };
  return result.rows[0]!;
}
