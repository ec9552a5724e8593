import { and, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { playlists, playlistVideos, videos } from '../db/schema.js';
import type { ItemRecord, PlaylistRecord, VideoRecord } from '../youtube/records.js';

/**
 * The mirror's writes. Every upsert changes a row only when a value differs (SPEC.md: a pull
 * that finds nothing changed rewrites nothing), and every write of a page is one statement
 * per table. The returned counts are rows actually inserted or changed.
 */

const byId = <T extends { youtubeId: string }>(rows: T[]) => [...new Map(rows.map((r) => [r.youtubeId, r])).values()];

/** Returns how many playlists are new to the mirror. */
export async function upsertPlaylists(tx: Db, records: PlaylistRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const rows = byId(records).map((p) => ({ ...p, kind: 'playlist', lastFetched: new Date(), removedAt: null }));
  const changed = await tx
    .insert(playlists)
    .values(rows)
    .onConflictDoUpdate({
      target: playlists.youtubeId,
      set: {
        title: sql`excluded.title`,
        description: sql`excluded.description`,
        privacyStatus: sql`excluded.privacy_status`,
        itemCount: sql`excluded.item_count`,
        thumbnailUrl: sql`excluded.thumbnail_url`,
        publishedAt: sql`excluded.published_at`,
        etag: sql`excluded.etag`,
        lastFetched: sql`excluded.last_fetched`,
        removedAt: sql`NULL`,
      },
      // No "only when different" here: playlists are few, and last_fetched is worth its nightly write.
    })
    .returning({ inserted: sql<boolean>`(xmax = 0)` });
  return changed.filter((r) => r.inserted).length;
}

/** The Liked videos list is not returned by playlists.list: it gets a row of its own kind. */
export async function upsertLikesPlaylist(tx: Db, youtubeId: string): Promise<void> {
  await tx
    .insert(playlists)
    .values({ youtubeId, kind: 'likes', title: 'Liked videos', privacyStatus: 'private' })
    .onConflictDoUpdate({
      target: playlists.youtubeId,
      set: { kind: 'likes', removedAt: sql`NULL` },
      setWhere: sql`"playlists"."kind" <> 'likes' OR "playlists"."removed_at" IS NOT NULL`,
    });
}

/** Marks playlists (of the given kind) not in `seen` as removed, with their items. */
export async function markPlaylistsRemoved(tx: Db, seen: SQL, kind = 'playlist'): Promise<number> {
  const removed = await tx
    .update(playlists)
    .set({ removedAt: sql`now()` })
    .where(and(eq(playlists.kind, kind), isNull(playlists.removedAt), sql`${playlists.youtubeId} NOT IN ${seen}`))
    .returning({ id: playlists.id });
  await markItemsOfPlaylistsRemoved(tx, removed.map((r) => r.id));
  return removed.length;
}

/** A playlist the API no longer finds (playlistNotFound). */
export async function markPlaylistRemoved(tx: Db, youtubeId: string): Promise<void> {
  const removed = await tx
    .update(playlists)
    .set({ removedAt: sql`now()` })
    .where(and(eq(playlists.youtubeId, youtubeId), isNull(playlists.removedAt)))
    .returning({ id: playlists.id });
  await markItemsOfPlaylistsRemoved(tx, removed.map((r) => r.id));
}

async function markItemsOfPlaylistsRemoved(tx: Db, playlistIds: number[]): Promise<void> {
  if (playlistIds.length === 0) return;
  await tx
    .update(playlistVideos)
    .set({ removedAt: sql`now()` })
    .where(and(inArray(playlistVideos.playlistId, playlistIds), isNull(playlistVideos.removedAt)));
}

export async function playlistRowId(db: Db, youtubeId: string): Promise<number | undefined> {
  const [row] = await db.select({ id: playlists.id }).from(playlists).where(eq(playlists.youtubeId, youtubeId));
  return row?.id;
}

export interface ItemsWritten {
  itemsChanged: number;
  videosDiscovered: number;
  videosHidden: number;
}

/** A whole column as ONE parameter (unnest): cheap to build and to parse, whatever the page size. */
const column = (values: unknown[], type: string) => sql`${sql.param(values)}::${sql.raw(type)}[]`;
const iso = (date: Date | null) => date?.toISOString() ?? null;

async function counts<T>(tx: Db, query: SQL): Promise<T> {
  return ((await tx.execute(query)) as unknown as { rows: T[] }).rows[0]!;
}

/**
 * One page of a playlist's items, in two statements. Videos first (the items point at them):
 * new ones get the title the item shows; placeholders ("Deleted video", "Private video")
 * never overwrite a known title — they only mark the video unavailable, keeping what it was.
 */
export async function writeItems(tx: Db, playlistId: number, records: ItemRecord[]): Promise<ItemsWritten> {
  if (records.length === 0) return { itemsChanged: 0, videosDiscovered: 0, videosHidden: 0 };
  // Sorted, so that concurrent pages lock shared videos in the same order (no deadlocks).
  const videoRows = byId(records.map((r) => ({ ...r, youtubeId: r.videoYoutubeId }))).sort((a, b) => (a.youtubeId < b.youtubeId ? -1 : 1));
  const items = byId(records);
  const videosWritten = await counts<{ discovered: number; hidden: number }>(
    tx,
    sql`
    WITH input AS (
      SELECT * FROM unnest(${column(videoRows.map((v) => v.youtubeId), 'text')}, ${column(videoRows.map((v) => v.title), 'text')},
                           ${column(videoRows.map((v) => v.channelId), 'text')}, ${column(videoRows.map((v) => v.channelTitle), 'text')},
                           ${column(videoRows.map((v) => v.placeholder), 'text')})
        AS t(youtube_id, title, channel_id, channel_title, reason)
    ), discovered AS (
      INSERT INTO videos (youtube_id, title, channel_id, channel_title, unavailable_since, unavailable_reason)
      SELECT youtube_id, title, channel_id, channel_title, CASE WHEN reason IS NULL THEN NULL ELSE now() END, reason
        FROM input ORDER BY youtube_id
      ON CONFLICT (youtube_id) DO NOTHING
      RETURNING id
    ), hidden AS (
      UPDATE videos v
         SET unavailable_since = coalesce(v.unavailable_since, now()), unavailable_reason = input.reason, updated_at = now()
        FROM input
       WHERE v.youtube_id = input.youtube_id AND input.reason IS NOT NULL AND v.unavailable_reason IS DISTINCT FROM input.reason
      RETURNING v.id
    )
    SELECT (SELECT count(*)::int FROM discovered) AS discovered, (SELECT count(*)::int FROM hidden) AS hidden`,
  );
  // A statement of its own, so its snapshot sees videos that a concurrent page committed
  // while the insert above waited on them (the insert's own snapshot does not).
  const itemsWritten = await counts<{ changed: number }>(
    tx,
    sql`
    WITH changed AS (
      INSERT INTO playlist_videos AS pv (youtube_id, playlist_id, video_id, position, added_at, removed_at)
      SELECT i.youtube_id, ${playlistId}::int, v.id, i.position, i.added_at, NULL
        FROM unnest(${column(items.map((i) => i.youtubeId), 'text')}, ${column(items.map((i) => i.videoYoutubeId), 'text')},
                    ${column(items.map((i) => i.position), 'int')}, ${column(items.map((i) => iso(i.addedAt)), 'timestamptz')})
               AS i(youtube_id, video_youtube_id, position, added_at)
        JOIN videos v ON v.youtube_id = i.video_youtube_id
      ON CONFLICT (youtube_id) DO UPDATE SET
        playlist_id = excluded.playlist_id,
        video_id = excluded.video_id,
        position = excluded.position,
        -- An item served without its snippet has no date: keep the one stored.
        added_at = coalesce(excluded.added_at, pv.added_at),
        removed_at = NULL
      WHERE (pv.playlist_id, pv.video_id, pv.position, pv.added_at, pv.removed_at)
            IS DISTINCT FROM (excluded.playlist_id, excluded.video_id, excluded.position, coalesce(excluded.added_at, pv.added_at), NULL::timestamptz)
      RETURNING pv.id
    )
    SELECT count(*)::int AS changed FROM changed`,
  );
  return { itemsChanged: itemsWritten.changed, videosDiscovered: videosWritten.discovered, videosHidden: videosWritten.hidden };
}

/** After a 304: the page is as stored, but an item marked removed in between is back. */
export async function reviveItems(tx: Db, itemIds: string[]): Promise<number> {
  if (itemIds.length === 0) return 0;
  const revived = await tx
    .update(playlistVideos)
    .set({ removedAt: null })
    .where(and(inArray(playlistVideos.youtubeId, itemIds), isNotNull(playlistVideos.removedAt)))
    .returning({ id: playlistVideos.id });
  return revived.length;
}

/** Items of a playlist that a complete, verified pass did not see. */
export async function markItemsRemoved(tx: Db, playlistId: number, seen: SQL): Promise<number> {
  const removed = await tx
    .update(playlistVideos)
    .set({ removedAt: sql`now()` })
    .where(
      and(
        eq(playlistVideos.playlistId, playlistId),
        isNull(playlistVideos.removedAt),
        sql`${playlistVideos.youtubeId} NOT IN ${seen}`,
      ),
    )
    .returning({ id: playlistVideos.id });
  return removed.length;
}

/** Distinct videos referenced by live items of live playlists, except `done`, in id order. */
export async function videosToDetail(db: Db, done: SQL): Promise<string[]> {
  const rows = await db
    .selectDistinct({ youtubeId: videos.youtubeId })
    .from(videos)
    .innerJoin(playlistVideos, eq(playlistVideos.videoId, videos.id))
    .innerJoin(playlists, eq(playlists.id, playlistVideos.playlistId))
    .where(
      and(
        isNull(playlistVideos.removedAt),
        isNull(playlists.removedAt),
        sql`${videos.youtubeId} NOT IN ${done}`,
      ),
    )
    .orderBy(videos.youtubeId);
  return rows.map((r) => r.youtubeId);
}

/** The details videos.list gives, by the part that carries them, with their SQL types. */
const VIDEO_DETAIL_COLUMNS = [
  { key: 'title', column: 'title', type: 'text', part: 'snippet' },
  { key: 'description', column: 'description', type: 'text', part: 'snippet' },
  { key: 'channelId', column: 'channel_id', type: 'text', part: 'snippet' },
  { key: 'channelTitle', column: 'channel_title', type: 'text', part: 'snippet' },
  { key: 'publishedAt', column: 'published_at', type: 'timestamptz', part: 'snippet' },
  { key: 'thumbnailUrl', column: 'thumbnail_url', type: 'text', part: 'snippet' },
  { key: 'durationSeconds', column: 'duration_seconds', type: 'int', part: 'contentDetails' },
  { key: 'privacyStatus', column: 'privacy_status', type: 'text', part: 'status' },
] as const;

export interface VideosWritten {
  updated: number;
  becameUnavailable: number;
}

/**
 * A videos.list answer for `requested` ids. Returned videos are available: their details are
 * written and any unavailability cleared. Ids left out are deleted or private: marked
 * unavailable, their last known details kept.
 */
export async function writeVideos(tx: Db, requested: string[], records: VideoRecord[]): Promise<VideosWritten> {
  let updated = 0;
  // Normally one statement; a video whose answer lacks a part is written by a statement that
  // leaves that part's columns as stored (its last known title is not replaced by nothing).
  const groups = new Map<string, VideoRecord[]>();
  for (const record of byId(records).sort((a, b) => (a.youtubeId < b.youtubeId ? -1 : 1))) {
    const key = (record.missingParts ?? []).join(',');
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  for (const [key, group] of groups) {
    const absent = new Set(key.split(','));
    const columns = VIDEO_DETAIL_COLUMNS.filter((c) => !absent.has(c.part));
    const names = sql.raw(columns.map((c) => `, ${c.column}`).join(''));
    const values = columns.map((c) =>
      sql`, ${column(group.map((v) => (c.key === 'publishedAt' ? iso(v.publishedAt) : v[c.key])), c.type)}`,
    );
    const set = sql.raw(columns.map((c) => `${c.column} = excluded.${c.column}, `).join(''));
    const compared = ['etag', 'unavailable_since', 'unavailable_reason', ...columns.map((c) => c.column)];
    const changed = await counts<{ n: number }>(
      tx,
      sql`WITH changed AS (
        INSERT INTO videos AS v (youtube_id, etag${names})
        SELECT * FROM unnest(${column(group.map((v) => v.youtubeId), 'text')}, ${column(group.map((v) => v.etag), 'text')}${sql.join(values)})
         ORDER BY 1
        ON CONFLICT (youtube_id) DO UPDATE SET ${set}etag = excluded.etag, unavailable_since = NULL, unavailable_reason = NULL, updated_at = now()
        WHERE (${sql.raw(compared.map((c) => `v.${c}`).join(', '))}) IS DISTINCT FROM (${sql.raw(compared.map((c) => `excluded.${c}`).join(', '))})
        RETURNING v.id
      ) SELECT count(*)::int AS n FROM changed`,
    );
    updated += changed.n;
  }
  const returned = new Set(records.map((r) => r.youtubeId));
  const missing = requested.filter((id) => !returned.has(id));
  let becameUnavailable = 0;
  if (missing.length > 0) {
    const marked = await tx
      .update(videos)
      .set({ unavailableSince: sql`now()`, unavailableReason: 'missing', updatedAt: sql`now()` })
      .where(and(inArray(videos.youtubeId, missing), isNull(videos.unavailableSince)))
      .returning({ id: videos.id });
    becameUnavailable = marked.length;
  }
  return { updated, becameUnavailable };
}

export interface MirrorCounts {
  playlists: number;
  videos: number;
  items: number;
  removedItems: number;
  unavailableVideos: number;
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
      (SELECT count(*)::int FROM videos WHERE unavailable_since IS NOT NULL) AS "unavailableVideos"`)) as unknown as { rows: MirrorCounts[] };
  return result.rows[0]!;
}
