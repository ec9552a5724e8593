import { and, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { playlists, playlistVideos, videos } from '../db/schema.js';
import type { ItemRecord, PlaylistRecord, VideoRecord } from '../youtube/records.js';

/**
 * The mirror's writes. Every upsert changes a row only when a value differs (SPEC.md: a pull
 * that finds nothing changed rewrites nothing), and every write of a page is one statement
 * per table. The returned counts are rows actually inserted or changed.
 */

/** `(a, b, …) IS DISTINCT FROM (excluded.a, excluded.b, …)` for the given columns. */
function differs(table: string, columns: string[]): SQL {
  const current = columns.map((c) => `"${table}"."${c}"`).join(', ');
  const incoming = columns.map((c) => `excluded."${c}"`).join(', ');
  return sql.raw(`(${current}) IS DISTINCT FROM (${incoming})`);
}

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

/**
 * One page of a playlist's items. Videos first (the items point at them): new ones get the
 * title the item shows; placeholders ("Deleted video", "Private video") never overwrite a
 * known title — they only mark the video unavailable, keeping what it was.
 */
export async function writeItems(tx: Db, playlistId: number, records: ItemRecord[]): Promise<ItemsWritten> {
  if (records.length === 0) return { itemsChanged: 0, videosDiscovered: 0, videosHidden: 0 };
  // Sorted, so that concurrent pages lock shared videos in the same order (no deadlocks).
  const videoRows = byId(records.map((r) => ({ ...r, youtubeId: r.videoYoutubeId })))
    .sort((a, b) => (a.youtubeId < b.youtubeId ? -1 : 1))
    .map((r) => ({
      youtubeId: r.youtubeId,
      title: r.title,
      channelId: r.channelId,
      channelTitle: r.channelTitle,
      unavailableSince: r.placeholder ? new Date() : null,
      unavailableReason: r.placeholder,
    }));
  const discovered = await tx.insert(videos).values(videoRows).onConflictDoNothing().returning({ id: videos.id });

  const hidden = videoRows.filter((v) => v.unavailableReason !== null);
  let videosHidden = 0;
  for (const reason of ['deleted', 'private'] as const) {
    const ids = hidden.filter((v) => v.unavailableReason === reason).map((v) => v.youtubeId);
    if (ids.length === 0) continue;
    const changed = await tx
      .update(videos)
      .set({
        unavailableSince: sql`coalesce(${videos.unavailableSince}, now())`,
        unavailableReason: reason,
        updatedAt: sql`now()`,
      })
      .where(and(inArray(videos.youtubeId, ids), sql`${videos.unavailableReason} IS DISTINCT FROM ${reason}`))
      .returning({ id: videos.id });
    videosHidden += changed.length;
  }

  const idRows = await tx
    .select({ id: videos.id, youtubeId: videos.youtubeId })
    .from(videos)
    .where(inArray(videos.youtubeId, videoRows.map((v) => v.youtubeId)));
  const videoIds = new Map(idRows.map((r) => [r.youtubeId, r.id]));

  const itemRows = byId(records).map((r) => ({
    youtubeId: r.youtubeId,
    playlistId,
    videoId: videoIds.get(r.videoYoutubeId)!,
    position: r.position,
    addedAt: r.addedAt,
    removedAt: null,
  }));
  const changed = await tx
    .insert(playlistVideos)
    .values(itemRows)
    .onConflictDoUpdate({
      target: playlistVideos.youtubeId,
      set: {
        playlistId: sql`excluded.playlist_id`,
        videoId: sql`excluded.video_id`,
        position: sql`excluded.position`,
        // An item served without its snippet has no date: keep the one stored.
        addedAt: sql`coalesce(excluded.added_at, "playlist_videos"."added_at")`,
        removedAt: sql`NULL`,
      },
      setWhere: sql.raw(
        `("playlist_videos"."playlist_id", "playlist_videos"."video_id", "playlist_videos"."position", "playlist_videos"."added_at", "playlist_videos"."removed_at")` +
          ` IS DISTINCT FROM (excluded."playlist_id", excluded."video_id", excluded."position", coalesce(excluded."added_at", "playlist_videos"."added_at"), excluded."removed_at")`,
      ),
    })
    .returning({ id: playlistVideos.id });
  return { itemsChanged: changed.length, videosDiscovered: discovered.length, videosHidden };
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

/** The details videos.list gives, by the part that carries them. */
const VIDEO_DETAIL_COLUMNS = [
  { key: 'title', column: 'title', part: 'snippet' },
  { key: 'description', column: 'description', part: 'snippet' },
  { key: 'channelId', column: 'channel_id', part: 'snippet' },
  { key: 'channelTitle', column: 'channel_title', part: 'snippet' },
  { key: 'publishedAt', column: 'published_at', part: 'snippet' },
  { key: 'thumbnailUrl', column: 'thumbnail_url', part: 'snippet' },
  { key: 'durationSeconds', column: 'duration_seconds', part: 'contentDetails' },
  { key: 'privacyStatus', column: 'privacy_status', part: 'status' },
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
    const rows = group.map(({ missingParts: _, ...v }) => ({ ...v, unavailableSince: null, unavailableReason: null }));
    const changed = await tx
      .insert(videos)
      .values(rows)
      .onConflictDoUpdate({
        target: videos.youtubeId,
        set: {
          ...Object.fromEntries(columns.map((c) => [c.key, sql.raw(`excluded."${c.column}"`)])),
          etag: sql`excluded.etag`,
          unavailableSince: sql`NULL`,
          unavailableReason: sql`NULL`,
          updatedAt: sql`now()`,
        },
        setWhere: differs('videos', [...columns.map((c) => c.column), 'etag', 'unavailable_since', 'unavailable_reason']),
      })
      .returning({ id: videos.id });
    updated += changed.length;
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
