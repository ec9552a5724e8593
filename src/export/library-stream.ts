import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { selectRows, toDate } from '../db/values.js';

/**
 * The mirror read in export order through a server-side cursor, a page at a time, so a library
 * of any size passes through bounded memory. Must run inside one transaction (the cursor lives
 * there; a repeatable-read one also makes the export a consistent snapshot).
 */

export type Availability = 'available' | 'deleted' | 'private' | 'unavailable';

export interface ExportedPlaylist {
  playlistId: string;
  kind: string;
  title: string | null;
  description: string | null;
  privacyStatus: string | null;
  publishedAt: Date | null;
  firstSeen: Date;
  removedAt: Date | null;
  /** Items that will follow (live ones; with --include-removed, removed ones too). */
  items: number;
}

export interface ExportedItem {
  position: number | null;
  itemId: string;
  videoId: string;
  title: string | null;
  channelTitle: string | null;
  channelId: string | null;
  durationSeconds: number | null;
  publishedAt: Date | null;
  addedAt: Date | null;
  firstSeen: Date;
  removedAt: Date | null;
  availability: Availability;
  unavailableSince: Date | null;
  privacyStatus: string | null;
  description: string | null;
}

export type LibraryEvent = { type: 'playlist'; playlist: ExportedPlaylist } | { type: 'item'; item: ExportedItem };

export interface StreamOptions {
  includeRemoved: boolean;
  /** Rows per FETCH: the most the program holds at once. */
  pageSize?: number;
}

/** 'missing' (videos.list no longer returns it) reads as plain "unavailable" to a person. */
export function availabilityOf(reason: string | null): Availability {
  if (reason === null) return 'available';
  return reason === 'deleted' || reason === 'private' ? reason : 'unavailable';
}

/**
 * Playlists in the order YouTube lists them (newest first), the Liked list last; items in
 * playlist order, then (with removed ones) the removed items in the order they left.
 */
const PLAYLIST_ORDER = `(p.kind = 'likes'), p.published_at DESC NULLS LAST, p.id`;
const ITEM_ORDER = `(pv.removed_at IS NOT NULL), pv.position, pv.removed_at, pv.id`;

export async function* streamLibrary(tx: Db, options: StreamOptions): AsyncGenerator<LibraryEvent> {
  const pageSize = options.pageSize ?? 500;
  const livePlaylist = options.includeRemoved ? 'true' : 'p.removed_at IS NULL';
  const liveItem = options.includeRemoved ? 'true' : 'pv.removed_at IS NULL';

  // Playlists are few (YouTube caps an account at some thousands): read at once.
  const playlists = await selectRows(
    tx,
    sql.raw(`SELECT p.id, p.youtube_id, p.kind, p.title, p.description, p.privacy_status, p.published_at, p.first_seen, p.removed_at,
                    (SELECT count(*)::int FROM playlist_videos pv WHERE pv.playlist_id = p.id AND ${liveItem}) AS items
               FROM playlists p WHERE ${livePlaylist} ORDER BY ${PLAYLIST_ORDER}`),
  );

  // No bind parameters: DECLARE is a utility statement and takes none.
  await tx.execute(
    sql.raw(`DECLARE ytsync_export NO SCROLL CURSOR FOR
      WITH ordered AS (SELECT p.id, row_number() OVER (ORDER BY ${PLAYLIST_ORDER}) AS ord FROM playlists p WHERE ${livePlaylist})
      SELECT pv.playlist_id, pv.youtube_id, pv.position, pv.added_at, pv.first_seen, pv.removed_at,
             v.youtube_id AS video_id, v.title, v.description, v.channel_id, v.channel_title, v.published_at,
             v.duration_seconds, v.privacy_status, v.unavailable_reason, v.unavailable_since
        FROM ordered o
        JOIN playlist_videos pv ON pv.playlist_id = o.id
        JOIN videos v ON v.id = pv.video_id
       WHERE ${liveItem}
       ORDER BY o.ord, ${ITEM_ORDER}`),
  );
  const fetchPage = () => selectRows(tx, sql.raw(`FETCH FORWARD ${pageSize} FROM ytsync_export`));

  let page = await fetchPage();
  let next = 0;
  for (const p of playlists) {
    yield { type: 'playlist', playlist: toPlaylist(p) };
    for (;;) {
      if (next === page.length) {
        if (page.length < pageSize) break;
        page = await fetchPage();
        next = 0;
        if (page.length === 0) break;
      }
      const row = page[next]!;
      if (row.playlist_id !== p.id) break;
      next++;
      yield { type: 'item', item: toItem(row) };
    }
  }
  await tx.execute(sql.raw('CLOSE ytsync_export'));
}

function toPlaylist(r: Record<string, unknown>): ExportedPlaylist {
  return {
    playlistId: r.youtube_id as string,
    kind: r.kind as string,
    title: r.title as string | null,
    description: r.description as string | null,
    privacyStatus: r.privacy_status as string | null,
    publishedAt: toDate(r.published_at),
    firstSeen: toDate(r.first_seen)!,
    removedAt: toDate(r.removed_at),
    items: r.items as number,
  };
}

function toItem(r: Record<string, unknown>): ExportedItem {
  return {
    position: r.position as number | null,
    itemId: r.youtube_id as string,
    videoId: r.video_id as string,
    title: r.title as string | null,
    channelTitle: r.channel_title as string | null,
    channelId: r.channel_id as string | null,
    durationSeconds: r.duration_seconds as number | null,
    publishedAt: toDate(r.published_at),
    addedAt: toDate(r.added_at),
    firstSeen: toDate(r.first_seen)!,
    removedAt: toDate(r.removed_at),
    availability: availabilityOf(r.unavailable_reason as string | null),
    unavailableSince: toDate(r.unavailable_since),
    privacyStatus: r.privacy_status as string | null,
    description: r.description as string | null,
  };
}
