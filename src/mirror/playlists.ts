import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { playlists, playlistVideos } from '../db/schema.js';
import type { Part, PlaylistRecord } from '../youtube/records.js';
import { byMissingParts, uniqueById } from './sql.js';

/** The mirror's playlists: written by the playlists pass, closed when they are gone. */

/** Which part of a playlists.list answer carries each detail the mirror keeps. */
const DETAIL_PART = {
  title: 'snippet',
  description: 'snippet',
  thumbnailUrl: 'snippet',
  publishedAt: 'snippet',
  privacyStatus: 'status',
  itemCount: 'contentDetails',
} as const satisfies Partial<Record<keyof typeof playlists.$inferInsert, Part>>;

/**
 * Returns how many playlists are new to the mirror. A playlist whose answer lacks a part keeps
 * that part's stored columns (its title is not replaced by nothing): such playlists are written
 * by a statement of their own that leaves those columns out.
 */
export async function upsertPlaylists(tx: Db, records: PlaylistRecord[]): Promise<number> {
  let inserted = 0;
  for (const [absent, group] of byMissingParts(uniqueById(records))) {
    const details = Object.entries(DETAIL_PART).filter(([, part]) => !absent.has(part)).map(([name]) => name as keyof typeof DETAIL_PART);
    const rows = group.map(({ missingParts: _, ...p }) => ({ ...p, kind: 'playlist', lastFetched: new Date(), removedAt: null }));
    const changed = await tx
      .insert(playlists)
      .values(rows)
      .onConflictDoUpdate({
        target: playlists.youtubeId,
        set: {
          ...Object.fromEntries(details.map((name) => [name, sql.raw(`excluded.${playlists[name].name}`)])),
          etag: sql`excluded.etag`,
          lastFetched: sql`excluded.last_fetched`,
          removedAt: sql`NULL`,
        },
        // No "only when different" here: playlists are few, and last_fetched is worth its nightly write.
      })
      .returning({ inserted: sql<boolean>`(xmax = 0)` });
    inserted += changed.filter((r) => r.inserted).length;
  }
  return inserted;
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

/** A consistent read of the account's playlists did not see these: they are gone, with their items. */
export async function markPlaylistsRemoved(tx: Db, seen: string[]): Promise<number> {
  const removed = await tx
    .update(playlists)
    .set({ removedAt: sql`now()` })
    .where(and(eq(playlists.kind, 'playlist'), isNull(playlists.removedAt), sql`${playlists.youtubeId} <> ALL(${sql.param(seen)}::text[])`))
    .returning({ id: playlists.id });
  await markItemsOfPlaylistsRemoved(tx, removed.map((r) => r.id));
  return removed.length;
}

/** A playlist YouTube no longer has (playlistNotFound, and playlists.list no longer returns it). */
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

export interface ListRow {
  id: number;
  youtubeId: string;
  kind: string;
  title: string | null;
  itemCount: number | null;
}

/** Live playlists in the order they were first stored (the order playlists.list returned them). */
export async function livePlaylists(db: Db): Promise<ListRow[]> {
  return db
    .select({ id: playlists.id, youtubeId: playlists.youtubeId, kind: playlists.kind, title: playlists.title, itemCount: playlists.itemCount })
    .from(playlists)
    .where(and(isNull(playlists.removedAt), eq(playlists.kind, 'playlist')))
    .orderBy(playlists.id);
}

export async function listRow(db: Db, youtubeId: string): Promise<ListRow | undefined> {
  const [row] = await db
    .select({ id: playlists.id, youtubeId: playlists.youtubeId, kind: playlists.kind, title: playlists.title, itemCount: playlists.itemCount })
    .from(playlists)
    .where(eq(playlists.youtubeId, youtubeId));
  return row;
}

/** The Liked list's size as YouTube reports it (it may count private videos it never returns). */
export async function recordLikesCount(tx: Db, playlistId: number, totalResults: number | null): Promise<void> {
  await tx
    .update(playlists)
    .set({ itemCount: totalResults, lastFetched: sql`now()` })
    .where(and(eq(playlists.id, playlistId), eq(playlists.kind, 'likes')));
}
