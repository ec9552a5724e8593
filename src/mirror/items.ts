import { and, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { playlistVideos } from '../db/schema.js';
import type { ItemRecord } from '../youtube/records.js';
import { column, counts, inLockOrder, iso, uniqueById } from './sql.js';

/**
 * The mirror's playlist items, and what items tell of their videos. Every upsert changes a row
 * only when a value differs (SPEC.md: a pull that finds nothing changed rewrites nothing); the
 * returned counts are rows actually inserted or changed.
 */

export interface ItemsWritten {
  itemsChanged: number;
  videosDiscovered: number;
  /** Videos that turned unavailable by this page: placeholders, new ones included. */
  videosHidden: number;
}

/**
 * One page of a playlist's items, in three statements (two when every video is new). Videos first
 * (the items point at them):
 * - new videos get what the item shows of them (title, channel, publish date, thumbnail);
 * - known videos keep their values — videos.list is the authority — but a value still unknown
 *   is filled from the item: that is all a video left out of videos.list will ever get;
 * - placeholders ("Deleted video", "Private video") never overwrite anything: they only mark
 *   the video unavailable, keeping what it was.
 */
export async function writeItems(tx: Db, playlistId: number, records: ItemRecord[]): Promise<ItemsWritten> {
  if (records.length === 0) return { itemsChanged: 0, videosDiscovered: 0, videosHidden: 0 };
  const videos = inLockOrder(videosOfPage(records));
  const items = uniqueById(records);
  const of = <K extends keyof ItemRecord>(key: K) => videos.map((v) => v[key]);
  const input = sql`
    input AS (
      SELECT * FROM unnest(${column(of('youtubeId'), 'text')}, ${column(of('title'), 'text')}, ${column(of('channelId'), 'text')},
                           ${column(of('channelTitle'), 'text')}, ${column(videos.map((v) => iso(v.publishedAt)), 'timestamptz')},
                           ${column(of('thumbnailUrl'), 'text')}, ${column(of('placeholder'), 'text')})
        AS t(youtube_id, title, channel_id, channel_title, published_at, thumbnail_url, reason)
    )`;
  const discovered = await counts<{ videos: number; hidden: number }>(
    tx,
    sql`
    WITH ${input}, discovered AS (
      INSERT INTO videos (youtube_id, title, channel_id, channel_title, published_at, thumbnail_url, unavailable_since, unavailable_reason)
      SELECT youtube_id, title, channel_id, channel_title, published_at, thumbnail_url, CASE WHEN reason IS NULL THEN NULL ELSE now() END, reason
        FROM input ORDER BY youtube_id
      ON CONFLICT (youtube_id) DO NOTHING
      RETURNING id, unavailable_reason
    )
    SELECT count(*)::int AS videos, count(unavailable_reason)::int AS hidden FROM discovered`,
  );
  // Skipped when the insert created every video of the page (a first pull's pages): none was known.
  const known = discovered.videos === videos.length ? { hidden: 0 } : await updateKnownVideos(tx, input);
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
  return { itemsChanged: itemsWritten.changed, videosDiscovered: discovered.videos, videosHidden: discovered.hidden + known.hidden };
}

/**
 * What a page tells of videos the mirror already had, in a statement of its own: its snapshot
 * sees a video that a concurrent page inserted and committed while this page's insert waited on
 * it (the insert's snapshot does not, and that video would keep a channel or date this page
 * could have filled). Placeholders mark their video unavailable; other items fill what is unknown.
 */
async function updateKnownVideos(tx: Db, input: SQL): Promise<{ hidden: number }> {
  return counts<{ hidden: number }>(
    tx,
    sql`
    WITH ${input}, hidden AS (
      UPDATE videos v
         SET unavailable_since = coalesce(v.unavailable_since, now()), unavailable_reason = input.reason, updated_at = now()
        FROM input
       WHERE v.youtube_id = input.youtube_id AND input.reason IS NOT NULL AND v.unavailable_reason IS DISTINCT FROM input.reason
      RETURNING v.id
    ), filled AS (
      UPDATE videos v
         SET channel_id = coalesce(v.channel_id, input.channel_id), channel_title = coalesce(v.channel_title, input.channel_title),
             published_at = coalesce(v.published_at, input.published_at), thumbnail_url = coalesce(v.thumbnail_url, input.thumbnail_url),
             updated_at = now()
        FROM input
       WHERE v.youtube_id = input.youtube_id AND input.reason IS NULL
         AND ((v.channel_id IS NULL AND input.channel_id IS NOT NULL) OR (v.channel_title IS NULL AND input.channel_title IS NOT NULL)
           OR (v.published_at IS NULL AND input.published_at IS NOT NULL) OR (v.thumbnail_url IS NULL AND input.thumbnail_url IS NOT NULL))
    )
    SELECT count(*)::int AS hidden FROM hidden`,
  );
}

/**
 * One record per video of a page. A page can list a video twice, one item showing its channel
 * and the other not (YouTube leaves videoOwnerChannel* out of some items): each value is the
 * first one the page shows, and the video is a placeholder only if every item of it is.
 */
function videosOfPage(records: ItemRecord[]): ItemRecord[] {
  const byVideo = new Map<string, ItemRecord>();
  for (const record of records) {
    const video = { ...record, youtubeId: record.videoYoutubeId };
    const seen = byVideo.get(video.youtubeId);
    if (!seen || (seen.placeholder && !video.placeholder)) byVideo.set(video.youtubeId, video);
    else if (!video.placeholder) {
      seen.title ??= video.title;
      seen.channelId ??= video.channelId;
      seen.channelTitle ??= video.channelTitle;
      seen.publishedAt ??= video.publishedAt;
      seen.thumbnailUrl ??= video.thumbnailUrl;
    }
  }
  return [...byVideo.values()];
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

/** Items of a playlist that a consistent, complete read did not see. */
export async function markItemsRemoved(tx: Db, playlistId: number, seen: string[]): Promise<number> {
  const removed = await tx
    .update(playlistVideos)
    .set({ removedAt: sql`now()` })
    .where(
      and(
        eq(playlistVideos.playlistId, playlistId),
        isNull(playlistVideos.removedAt),
        sql`${playlistVideos.youtubeId} <> ALL(${sql.param(seen)}::text[])`,
      ),
    )
    .returning({ id: playlistVideos.id });
  return removed.length;
}

/** Live items of a list, for "its N stored items are kept as they were". */
export async function liveItemCount(db: Db, playlistId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(playlistVideos)
    .where(and(eq(playlistVideos.playlistId, playlistId), isNull(playlistVideos.removedAt)));
  return row?.n ?? 0;
}
