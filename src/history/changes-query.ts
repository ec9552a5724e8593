import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { selectRows, toDate } from '../db/values.js';
import { UsageError } from '../errors.js';
import type { RunSpan } from './window.js';

/**
 * The facts `ytsync changes` reports, read from the mirror alone. Membership history is in
 * playlist_videos (first_seen, removed_at: one row per playlistItem id, and an item removed on
 * YouTube never comes back under the same id); video history in video_revisions; the sync
 * run that saw a change is the run whose [started_at, finished_at] holds its timestamp.
 */

export interface PlaylistRef {
  rowId: number;
  playlistId: string;
  title: string | null;
  kind: string;
}

interface Bounds {
  from: Date | null;
  to: Date;
}

const rows = selectRows;

const at = (d: Date | null) => (d === null ? null : d.toISOString());
const after = (column: SQL, b: Bounds) => sql`(${column} > coalesce(${at(b.from)}::timestamptz, '-infinity') AND ${column} <= ${at(b.to)}::timestamptz)`;
const inPlaylists = (column: SQL, only: PlaylistRef[] | null) =>
  only === null ? sql`true` : sql`${column} IN (${sql.join(only.map((p) => sql`${p.rowId}`), sql`, `)})`;

export async function databaseNow(db: Db): Promise<Date> {
  const [row] = await rows<{ now: unknown }>(db, sql`SELECT now() AS now`);
  return toDate(row!.now)!;
}

/** Complete runs, newest first (enough of them for `--runs n`). */
export async function completeRuns(db: Db, limit: number): Promise<RunSpan[]> {
  const found = await rows<{ id: number; started_at: unknown; finished_at: unknown }>(
    db,
    sql`SELECT id, started_at, finished_at FROM sync_runs WHERE outcome = 'complete' AND finished_at IS NOT NULL
         ORDER BY finished_at DESC LIMIT ${limit}`,
  );
  return found.map((r) => ({ id: r.id, startedAt: toDate(r.started_at)!, finishedAt: toDate(r.finished_at) }));
}

/** `--playlist ID|TITLE`: the YouTube id, else the title (case-insensitive); removed playlists count too. */
export async function findPlaylists(db: Db, idOrTitle: string): Promise<PlaylistRef[]> {
  const found = await rows<{ id: number; youtube_id: string; title: string | null; kind: string }>(
    db,
    sql`SELECT id, youtube_id, title, kind FROM playlists
         WHERE youtube_id = ${idOrTitle}
            OR (lower(title) = lower(${idOrTitle}) AND NOT EXISTS (SELECT 1 FROM playlists WHERE youtube_id = ${idOrTitle}))
         ORDER BY id`,
  );
  if (found.length === 0) throw new UsageError(`no playlist has the id or title "${idOrTitle}" in this mirror.`);
  if (found.length > 1) {
    const ids = found.map((p) => p.youtube_id).join(', ');
    throw new UsageError(`several playlists are titled "${idOrTitle}": ${ids}. Pass the id instead.`);
  }
  return found.map((p) => ({ rowId: p.id, playlistId: p.youtube_id, title: p.title, kind: p.kind }));
}

/** What departures and arrivals both say of an item: where it was, and its video's last known face. */
export interface ItemRow {
  itemId: string;
  playlistId: string;
  playlistTitle: string | null;
  playlistKind: string;
  videoId: string;
  title: string | null;
  channelTitle: string | null;
  channelId: string | null;
  addedAt: Date | null;
}

/** The SELECT columns behind ItemRow (aliases pv, p, v) and their mapping. */
const ITEM_COLUMNS = sql`pv.youtube_id AS item_id, p.youtube_id AS playlist_id, p.title AS playlist_title, p.kind AS playlist_kind,
               v.youtube_id AS video_id, v.title, v.channel_title, v.channel_id, pv.added_at`;

function toItemRow(r: Record<string, unknown>): ItemRow {
  return {
    itemId: r.item_id as string,
    playlistId: r.playlist_id as string,
    playlistTitle: r.playlist_title as string | null,
    playlistKind: r.playlist_kind as string,
    videoId: r.video_id as string,
    title: r.title as string | null,
    channelTitle: r.channel_title as string | null,
    channelId: r.channel_id as string | null,
    addedAt: toDate(r.added_at),
  };
}

export interface DepartureRow extends ItemRow {
  removedAt: Date | null;
  removalRunEnd: Date | null;
  unavailableReason: string | null;
  unavailableSince: Date | null;
  movedTo: { playlistId: string; title: string | null } | null;
}

/**
 * Items that left a playlist in the window: removed from it (but not with the whole playlist,
 * which is reported as a removed playlist), or still listed while their video became
 * unavailable (YouTube keeps "Deleted video" entries in playlists).
 */
export async function departures(db: Db, bounds: Bounds, only: PlaylistRef[] | null): Promise<DepartureRow[]> {
  const found = await rows(
    db,
    sql`SELECT ${ITEM_COLUMNS}, pv.removed_at,
               run.finished_at AS removal_run_end, v.unavailable_reason, v.unavailable_since,
               moved.youtube_id AS moved_to_id, moved.title AS moved_to_title
          FROM playlist_videos pv
          JOIN playlists p ON p.id = pv.playlist_id
          JOIN videos v ON v.id = pv.video_id
          LEFT JOIN LATERAL (
                SELECT r.started_at, r.finished_at FROM sync_runs r
                 WHERE pv.removed_at IS NOT NULL AND r.started_at <= pv.removed_at
                 ORDER BY r.started_at DESC LIMIT 1) run ON true
          LEFT JOIN LATERAL (
                SELECT p2.youtube_id, p2.title FROM playlist_videos pv2 JOIN playlists p2 ON p2.id = pv2.playlist_id
                 WHERE p.kind = 'playlist' AND p2.kind = 'playlist'
                   AND pv2.video_id = pv.video_id AND pv2.playlist_id <> pv.playlist_id
                   AND pv2.first_seen >= run.started_at AND pv2.first_seen <= coalesce(run.finished_at, ${at(bounds.to)}::timestamptz)
                 ORDER BY pv2.first_seen, pv2.id LIMIT 1) moved ON true
         WHERE ${inPlaylists(sql`p.id`, only)}
           AND ((${after(sql`pv.removed_at`, bounds)} AND NOT (p.removed_at IS NOT NULL AND pv.removed_at >= p.removed_at))
             OR (pv.removed_at IS NULL AND p.removed_at IS NULL AND pv.first_seen < v.unavailable_since
                 AND ${after(sql`v.unavailable_since`, bounds)}))
         ORDER BY p.id, coalesce(pv.removed_at, v.unavailable_since), pv.position, pv.id`,
  );
  return found.map((r) => ({
    ...toItemRow(r),
    removedAt: toDate(r.removed_at),
    removalRunEnd: toDate(r.removal_run_end),
    unavailableReason: r.unavailable_reason as string | null,
    unavailableSince: toDate(r.unavailable_since),
    movedTo: r.moved_to_id ? { playlistId: r.moved_to_id as string, title: r.moved_to_title as string | null } : null,
  }));
}

export interface ArrivalRow extends ItemRow {
  firstSeen: Date;
  unavailableReason: string | null;
  movedFrom: { playlistId: string; title: string | null } | null;
}

/** Items first seen in the window; `movedFrom` names the playlist the same run saw the video leave. */
export async function arrivals(db: Db, bounds: Bounds, only: PlaylistRef[] | null): Promise<ArrivalRow[]> {
  const found = await rows(
    db,
    sql`SELECT ${ITEM_COLUMNS}, pv.first_seen,
               v.unavailable_reason, src.youtube_id AS moved_from_id, src.title AS moved_from_title
          FROM playlist_videos pv
          JOIN playlists p ON p.id = pv.playlist_id
          JOIN videos v ON v.id = pv.video_id
          LEFT JOIN LATERAL (
                SELECT r.started_at, r.finished_at FROM sync_runs r
                 WHERE p.kind = 'playlist' AND r.started_at <= pv.first_seen
                 ORDER BY r.started_at DESC LIMIT 1) run ON true
          LEFT JOIN LATERAL (
                SELECT p2.youtube_id, p2.title FROM playlist_videos pv2 JOIN playlists p2 ON p2.id = pv2.playlist_id
                 WHERE p2.kind = 'playlist' AND pv2.video_id = pv.video_id AND pv2.playlist_id <> pv.playlist_id
                   AND pv2.removed_at >= run.started_at AND pv2.removed_at <= coalesce(run.finished_at, ${at(bounds.to)}::timestamptz)
                   AND NOT (p2.removed_at IS NOT NULL AND pv2.removed_at >= p2.removed_at)
                 ORDER BY pv2.removed_at, pv2.id LIMIT 1) src ON true
         WHERE ${inPlaylists(sql`p.id`, only)} AND ${after(sql`pv.first_seen`, bounds)}
         ORDER BY p.id, pv.position, pv.id`,
  );
  return found.map((r) => ({
    ...toItemRow(r),
    firstSeen: toDate(r.first_seen)!,
    unavailableReason: r.unavailable_reason as string | null,
    movedFrom: r.moved_from_id ? { playlistId: r.moved_from_id as string, title: r.moved_from_title as string | null } : null,
  }));
}

export interface PlaylistChangeRow {
  playlistId: string;
  title: string | null;
  kind: string;
  firstSeen: Date;
  removedAt: Date | null;
  created: boolean;
  removed: boolean;
  /** Live items (created) or the items removed with it (removed). */
  liveItems: number;
  itemsRemovedWithIt: number;
}

export async function playlistChanges(db: Db, bounds: Bounds, only: PlaylistRef[] | null): Promise<PlaylistChangeRow[]> {
  const found = await rows(
    db,
    sql`SELECT p.youtube_id, p.title, p.kind, p.first_seen, p.removed_at,
               ${after(sql`p.first_seen`, bounds)} AS created, coalesce(${after(sql`p.removed_at`, bounds)}, false) AS removed,
               (SELECT count(*)::int FROM playlist_videos pv WHERE pv.playlist_id = p.id AND pv.removed_at IS NULL) AS live_items,
               (SELECT count(*)::int FROM playlist_videos pv WHERE pv.playlist_id = p.id AND pv.removed_at >= p.removed_at) AS removed_items
          FROM playlists p
         WHERE ${inPlaylists(sql`p.id`, only)} AND (${after(sql`p.first_seen`, bounds)} OR ${after(sql`p.removed_at`, bounds)})
         ORDER BY p.first_seen, p.id`,
  );
  return found.map((r) => ({
    playlistId: r.youtube_id as string,
    title: r.title as string | null,
    kind: r.kind as string,
    firstSeen: toDate(r.first_seen)!,
    removedAt: toDate(r.removed_at),
    created: r.created as boolean,
    removed: r.removed as boolean,
    liveItems: r.live_items as number,
    itemsRemovedWithIt: r.removed_items as number,
  }));
}

export interface RenameRow {
  videoId: string;
  oldTitle: string;
  newTitle: string;
  channelTitle: string | null;
  channelId: string | null;
  seenAt: Date;
}

/**
 * Title at the window's start → title now. A revision holds the values a change replaced, so
 * the earliest revision inside the window holds the title the window started with.
 */
export async function renames(db: Db, bounds: Bounds, only: PlaylistRef[] | null): Promise<RenameRow[]> {
  const found = await rows(
    db,
    sql`SELECT v.youtube_id, r.title AS old_title, v.title AS new_title, v.channel_title, v.channel_id, r.seen_at
          FROM (SELECT DISTINCT ON (video_id) video_id, title, seen_at FROM video_revisions
                 WHERE ${after(sql`seen_at`, bounds)} ORDER BY video_id, seen_at, id) r
          JOIN videos v ON v.id = r.video_id
         WHERE r.title IS NOT NULL AND v.title IS NOT NULL AND r.title <> v.title
           AND (${sql.raw(only === null ? 'true' : 'false')} OR EXISTS (SELECT 1 FROM playlist_videos pv WHERE pv.video_id = v.id AND ${inPlaylists(sql`pv.playlist_id`, only)}))
         ORDER BY r.seen_at, v.youtube_id`,
  );
  return found.map((r) => ({
    videoId: r.youtube_id as string,
    oldTitle: r.old_title as string,
    newTitle: r.new_title as string,
    channelTitle: r.channel_title as string | null,
    channelId: r.channel_id as string | null,
    seenAt: toDate(r.seen_at)!,
  }));
}
