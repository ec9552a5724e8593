import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { selectRows, toDate } from '../db/values.js';

/** One line of `ytsync playlists`: a list and what is in it, from the mirror alone. */
export interface PlaylistSummary {
  playlistId: string;
  kind: string;
  title: string | null;
  privacyStatus: string | null;
  /** Live items (the same video twice counts twice, as YouTube counts). */
  items: number;
  /** Of the live items whose video can still be watched (a deleted video's length is not yours to watch). */
  durationSeconds: number;
  /** Live items whose video is deleted, private or no longer returned. */
  unavailableItems: number;
  /** Items that left the list (kept in the database). */
  removedItems: number;
  /** The latest change ytsync saw: an item added or removed, a video turning unavailable, the list appearing or going. */
  lastChangeAt: string;
  firstSeen: string;
  removedAt: string | null;
}

export interface PlaylistsReport {
  playlists: PlaylistSummary[];
  /** Lists that are gone from YouTube, with what they held; kept in the database. */
  removedPlaylists: PlaylistSummary[];
  /** Over the live lists. */
  totals: { playlists: number; items: number; durationSeconds: number; unavailableItems: number; removedItems: number };
}

/** As YouTube lists them (newest first), the Liked list last — the order of `ytsync export`. */
export async function summarizePlaylists(db: Db): Promise<PlaylistsReport> {
  const rows = await selectRows(
    db,
    sql`SELECT p.youtube_id, p.kind, p.title, p.privacy_status, p.first_seen, p.removed_at,
               count(pv.id) FILTER (WHERE pv.removed_at IS NULL)::int AS items,
               coalesce(sum(v.duration_seconds) FILTER (WHERE pv.removed_at IS NULL AND v.unavailable_since IS NULL), 0)::bigint AS duration,
               count(pv.id) FILTER (WHERE pv.removed_at IS NULL AND v.unavailable_since IS NOT NULL)::int AS unavailable,
               count(pv.id) FILTER (WHERE pv.removed_at IS NOT NULL)::int AS removed,
               greatest(p.first_seen, p.removed_at, max(pv.first_seen), max(pv.removed_at),
                        max(v.unavailable_since) FILTER (WHERE pv.removed_at IS NULL)) AS last_change
          FROM playlists p
          LEFT JOIN playlist_videos pv ON pv.playlist_id = p.id
          LEFT JOIN videos v ON v.id = pv.video_id
         GROUP BY p.id
         ORDER BY (p.kind = 'likes'), p.published_at DESC NULLS LAST, p.id`,
  );
  const all: PlaylistSummary[] = rows.map((r) => ({
    playlistId: r.youtube_id as string,
    kind: r.kind as string,
    title: r.title as string | null,
    privacyStatus: r.privacy_status as string | null,
    items: r.items as number,
    durationSeconds: Number(r.duration),
    unavailableItems: r.unavailable as number,
    removedItems: r.removed as number,
    lastChangeAt: toDate(r.last_change)!.toISOString(),
    firstSeen: toDate(r.first_seen)!.toISOString(),
    removedAt: r.removed_at === null ? null : toDate(r.removed_at)!.toISOString(),
  }));
  const playlists = all.filter((p) => p.removedAt === null);
  const sum = (key: 'items' | 'durationSeconds' | 'unavailableItems' | 'removedItems') => playlists.reduce((n, p) => n + p[key], 0);
  return {
    playlists,
    removedPlaylists: all.filter((p) => p.removedAt !== null),
    totals: {
      playlists: playlists.length,
      items: sum('items'),
      durationSeconds: sum('durationSeconds'),
      unavailableItems: sum('unavailableItems'),
      removedItems: sum('removedItems'),
    },
  };
}
