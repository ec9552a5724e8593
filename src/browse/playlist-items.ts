import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { selectRows, toDate } from '../db/values.js';
import { availabilityOf, type Availability } from '../export/library-stream.js';
import type { PlaylistRef } from '../history/changes-query.js';
import { placeRemovedItems } from './removed-placement.js';
import { watchUrl } from './urls.js';

/**
 * One list's items for `ytsync show`, in order. Live items stream through a server-side cursor
 * (a list can hold 5,000 items, the Liked list more); with `--all`, removed items are placed
 * where they were (removed-placement.ts), which needs the whole list at once.
 * Runs inside the caller's transaction (the cursor lives there).
 */

export interface ShownPlaylist {
  playlistId: string;
  kind: string;
  title: string | null;
  privacyStatus: string | null;
  firstSeen: string;
  removedAt: string | null;
  /** Live items. */
  items: number;
  /** Of the live items you can still watch. */
  durationSeconds: number;
  unavailableItems: number;
  removedItems: number;
}

export interface ShownItem {
  /** 0-based, as the API and the database count; for a removed item, the position it had when last seen. */
  position: number | null;
  itemId: string;
  videoId: string;
  url: string;
  title: string | null;
  channelTitle: string | null;
  channelId: string | null;
  durationSeconds: number | null;
  publishedAt: string | null;
  addedAt: string | null;
  availability: Availability;
  unavailableSince: string | null;
  /** When it left the list (null: it is in it). */
  removedAt: string | null;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export async function describePlaylist(db: Db, playlist: PlaylistRef): Promise<ShownPlaylist> {
  const [r] = await selectRows(
    db,
    sql`SELECT p.youtube_id, p.kind, p.title, p.privacy_status, p.first_seen, p.removed_at,
               count(pv.id) FILTER (WHERE pv.removed_at IS NULL)::int AS items,
               coalesce(sum(v.duration_seconds) FILTER (WHERE pv.removed_at IS NULL AND v.unavailable_since IS NULL), 0)::bigint AS duration,
               count(pv.id) FILTER (WHERE pv.removed_at IS NULL AND v.unavailable_since IS NOT NULL)::int AS unavailable,
               count(pv.id) FILTER (WHERE pv.removed_at IS NOT NULL)::int AS removed
          FROM playlists p
          LEFT JOIN playlist_videos pv ON pv.playlist_id = p.id
          LEFT JOIN videos v ON v.id = pv.video_id
         WHERE p.id = ${playlist.rowId}
         GROUP BY p.id`,
  );
  return {
    playlistId: r!.youtube_id as string,
    kind: r!.kind as string,
    title: r!.title as string | null,
    privacyStatus: r!.privacy_status as string | null,
    firstSeen: toDate(r!.first_seen)!.toISOString(),
    removedAt: iso(toDate(r!.removed_at)),
    items: r!.items as number,
    durationSeconds: Number(r!.duration),
    unavailableItems: r!.unavailable as number,
    removedItems: r!.removed as number,
  };
}

const ITEM_COLUMNS = `pv.position, pv.youtube_id AS item_id, pv.added_at, pv.first_seen, pv.removed_at,
       v.youtube_id AS video_id, v.title, v.channel_title, v.channel_id, v.duration_seconds, v.published_at,
       v.unavailable_reason, v.unavailable_since`;

/** The list's live items in order, a page of rows at a time. */
export async function* liveItems(tx: Db, playlist: PlaylistRef, pageSize = 500): AsyncGenerator<ShownItem> {
  // DECLARE takes no bind parameters: the row id is an integer we own.
  await tx.execute(
    sql.raw(`DECLARE ytsync_show NO SCROLL CURSOR FOR
      SELECT ${ITEM_COLUMNS}
        FROM playlist_videos pv JOIN videos v ON v.id = pv.video_id
       WHERE pv.playlist_id = ${Math.trunc(playlist.rowId)} AND pv.removed_at IS NULL
       ORDER BY pv.position, pv.id`),
  );
  for (;;) {
    const page = await selectRows(tx, sql.raw(`FETCH FORWARD ${pageSize} FROM ytsync_show`));
    for (const row of page) yield toItem(row);
    if (page.length < pageSize) break;
  }
  await tx.execute(sql.raw('CLOSE ytsync_show'));
}

/** Every item the list ever had, removed ones where they were. */
export async function allItems(tx: Db, playlist: PlaylistRef): Promise<ShownItem[]> {
  const rows = await selectRows(
    tx,
    sql`SELECT ${sql.raw(ITEM_COLUMNS)},
               (SELECT max(r.started_at) FROM sync_runs r WHERE pv.removed_at IS NOT NULL AND r.started_at <= pv.removed_at) AS position_seen_before
          FROM playlist_videos pv JOIN videos v ON v.id = pv.video_id
         WHERE pv.playlist_id = ${playlist.rowId}
         ORDER BY pv.position, pv.id`,
  );
  const placeable = rows.map((row) => ({
    row,
    position: row.position as number | null,
    firstSeen: toDate(row.first_seen)!,
    removedAt: toDate(row.removed_at),
    positionSeenBefore: toDate(row.position_seen_before),
  }));
  const placed = placeRemovedItems(
    placeable.filter((p) => p.removedAt === null),
    placeable.filter((p) => p.removedAt !== null),
  );
  return placed.map((p) => toItem(p.row));
}

function toItem(r: Record<string, unknown>): ShownItem {
  return {
    position: r.position as number | null,
    itemId: r.item_id as string,
    videoId: r.video_id as string,
    url: watchUrl(r.video_id as string),
    title: r.title as string | null,
    channelTitle: r.channel_title as string | null,
    channelId: r.channel_id as string | null,
    durationSeconds: r.duration_seconds as number | null,
    publishedAt: iso(toDate(r.published_at)),
    addedAt: iso(toDate(r.added_at)),
    availability: availabilityOf(r.unavailable_reason as string | null),
    unavailableSince: iso(toDate(r.unavailable_since)),
    removedAt: iso(toDate(r.removed_at)),
  };
}
