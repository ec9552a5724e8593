import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { playlists, playlistVideos, videos } from '../db/schema.js';
import type { VideoRecord } from '../youtube/records.js';
import { byMissingParts, column, counts, inLockOrder, iso, uniqueById } from './sql.js';

/**
 * Videos to detail in a run: every video a live item of a live list refers to, and the videos
 * of items that left a list during this run (since `runStart`) — checking those once more is
 * what lets `changes` say whether they left because YouTube lost them. Except `done`; in id order.
 */
export async function videosToDetail(db: Db, runStart: Date, done: SQL): Promise<string[]> {
  const rows = await db
    .selectDistinct({ youtubeId: videos.youtubeId })
    .from(videos)
    .innerJoin(playlistVideos, eq(playlistVideos.videoId, videos.id))
    .innerJoin(playlists, eq(playlists.id, playlistVideos.playlistId))
    .where(
      and(
        sql`((${playlistVideos.removedAt} IS NULL AND ${playlists.removedAt} IS NULL) OR ${playlistVideos.removedAt} >= ${runStart.toISOString()}::timestamptz)`,
        sql`${videos.youtubeId} NOT IN ${done}`,
      ),
    )
    .orderBy(videos.youtubeId);
  return rows.map((r) => r.youtubeId);
}

/**
 * The details videos.list gives, by the part that carries them, with their SQL types. `keep`:
 * a value YouTube never takes away from a video (its channel, publish date, thumbnail), so an
 * answer without it keeps the one stored — whether videos.list or an item told us.
 */
const VIDEO_DETAIL_COLUMNS = [
  { key: 'title', column: 'title', type: 'text', part: 'snippet', keep: false },
  { key: 'description', column: 'description', type: 'text', part: 'snippet', keep: false },
  { key: 'channelId', column: 'channel_id', type: 'text', part: 'snippet', keep: true },
  { key: 'channelTitle', column: 'channel_title', type: 'text', part: 'snippet', keep: true },
  { key: 'publishedAt', column: 'published_at', type: 'timestamptz', part: 'snippet', keep: true },
  { key: 'thumbnailUrl', column: 'thumbnail_url', type: 'text', part: 'snippet', keep: true },
  { key: 'durationSeconds', column: 'duration_seconds', type: 'int', part: 'contentDetails', keep: false },
  { key: 'privacyStatus', column: 'privacy_status', type: 'text', part: 'status', keep: false },
] as const;

export interface VideosWritten {
  updated: number;
  becameUnavailable: number;
}

/**
 * A videos.list answer for `requested` ids. Returned videos are available: their details are
 * written and any unavailability cleared. Ids left out are unavailable — deleted, private, or
 * just not returned (videos.list leaves out private videos too: no proof of deletion) — and
 * keep their last known details.
 */
export async function writeVideos(tx: Db, requested: string[], records: VideoRecord[]): Promise<VideosWritten> {
  let updated = 0;
  // Normally one statement; a video whose answer lacks a part is written by a statement that
  // leaves that part's columns as stored (its last known title is not replaced by nothing).
  for (const [absent, group] of byMissingParts(inLockOrder(uniqueById(records)))) {
    const columns = VIDEO_DETAIL_COLUMNS.filter((c) => !absent.has(c.part));
    const names = sql.raw(columns.map((c) => `, ${c.column}`).join(''));
    const values = columns.map((c) => sql`, ${column(group.map((v) => (c.key === 'publishedAt' ? iso(v.publishedAt) : v[c.key])), c.type)}`);
    const incoming = (c: (typeof columns)[number]) => (c.keep ? `coalesce(excluded.${c.column}, v.${c.column})` : `excluded.${c.column}`);
    const set = sql.raw(columns.map((c) => `${c.column} = ${incoming(c)}, `).join(''));
    const compared = [
      ['v.etag', 'excluded.etag'],
      ['v.unavailable_since', 'NULL::timestamptz'],
      ['v.unavailable_reason', 'NULL::text'],
      ...columns.map((c) => [`v.${c.column}`, incoming(c)]),
    ];
    const changed = await counts<{ n: number }>(
      tx,
      sql`WITH changed AS (
        INSERT INTO videos AS v (youtube_id, etag${names})
        SELECT * FROM unnest(${column(group.map((v) => v.youtubeId), 'text')}, ${column(group.map((v) => v.etag), 'text')}${sql.join(values)})
         ORDER BY 1
        ON CONFLICT (youtube_id) DO UPDATE SET ${set}etag = excluded.etag, unavailable_since = NULL, unavailable_reason = NULL, updated_at = now()
        WHERE (${sql.raw(compared.map(([stored]) => stored).join(', '))}) IS DISTINCT FROM (${sql.raw(compared.map(([, next]) => next).join(', '))})
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
