import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { account, passSeen, syncRuns, syncState } from '../db/schema.js';
import type { ChannelRecord } from '../youtube/records.js';
import type { PageDigest } from '../youtube/etag-store.js';
import type { UnrecordedUnits } from '../youtube/quota-meter.js';

export type PassName = 'playlists' | 'items' | 'videos';
export type RunRow = typeof syncRuns.$inferSelect;
export type ResumePoint = typeof syncState.$inferSelect;

/** Continues the unfinished run if there is one (SPEC.md "Resume"), else starts a new one. */
export async function openRun(db: Db): Promise<{ run: RunRow; resumed: boolean }> {
  const [unfinished] = await db
    .update(syncRuns)
    .set({ invocations: sql`${syncRuns.invocations} + 1`, outcome: 'running', updatedAt: sql`now()` })
    .where(isNull(syncRuns.finishedAt))
    .returning();
  if (unfinished) return { run: unfinished, resumed: true };
  const [created] = await db.insert(syncRuns).values({}).returning();
  return { run: created!, resumed: false };
}

export async function recordChannel(db: Db, runId: number, channel: ChannelRecord): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(syncRuns)
      .set({ channelId: channel.channelId, likesPlaylistId: channel.likesPlaylistId })
      .where(eq(syncRuns.id, runId));
    await tx
      .insert(account)
      .values({ id: 1, channelId: channel.channelId, title: channel.title, likesPlaylistId: channel.likesPlaylistId })
      .onConflictDoUpdate({
        target: account.id,
        set: { channelId: channel.channelId, title: channel.title, likesPlaylistId: channel.likesPlaylistId, updatedAt: sql`now()` },
        setWhere: sql`(${account.channelId}, ${account.title}, ${account.likesPlaylistId}) IS DISTINCT FROM (excluded.channel_id, excluded.title, excluded.likes_playlist_id)`,
      });
  });
}

/** Ends this invocation: its outcome and units; a complete run also drops its resume points. */
export async function endInvocation(
  db: Db,
  runId: number,
  outcome: string,
  units: number,
  summary: unknown,
): Promise<void> {
  await db.transaction(async (tx) => {
    const complete = outcome === 'complete';
    await tx
      .update(syncRuns)
      .set({
        outcome,
        unitsSpent: sql`${syncRuns.unitsSpent} + ${units}`,
        finishedAt: complete ? sql`now()` : null,
        summary,
        updatedAt: sql`now()`,
      })
      .where(eq(syncRuns.id, runId));
    if (complete) await tx.delete(syncState).where(eq(syncState.runId, runId));
  });
}

export async function resumePoints(db: Db, runId: number, pass: PassName): Promise<ResumePoint[]> {
  return db
    .select()
    .from(syncState)
    .where(and(eq(syncState.runId, runId), eq(syncState.pass, pass)))
    .orderBy(syncState.id);
}

/** The resume point of a pass (created on first use). */
export async function resumePoint(
  db: Db,
  runId: number,
  pass: PassName,
  playlistYoutubeId: string | null = null,
  baseline: { playlistEtag?: string | null; itemCount?: number | null } = {},
): Promise<ResumePoint> {
  await db
    .insert(syncState)
    .values({ runId, pass, playlistYoutubeId, ...baseline })
    .onConflictDoNothing();
  const [row] = await db
    .select()
    .from(syncState)
    .where(
      and(
        eq(syncState.runId, runId),
        eq(syncState.pass, pass),
        playlistYoutubeId === null ? isNull(syncState.playlistYoutubeId) : eq(syncState.playlistYoutubeId, playlistYoutubeId),
      ),
    );
  return row!;
}

/** Plans the items pass: one resume point per playlist, created together. */
export async function planPlaylists(
  db: Db,
  runId: number,
  playlists: Array<{ youtubeId: string; etag: string | null; itemCount: number | null }>,
): Promise<void> {
  if (playlists.length === 0) return;
  await db.transaction(async (tx) => {
    for (let i = 0; i < playlists.length; i += 500) {
      await tx
        .insert(syncState)
        .values(
          playlists.slice(i, i + 500).map((p) => ({
            runId,
            pass: 'items',
            playlistYoutubeId: p.youtubeId,
            playlistEtag: p.etag,
            itemCount: p.itemCount,
          })),
        )
        .onConflictDoNothing();
    }
  });
}

/** The request a page answered and its etag, kept for If-None-Match next time. */
export interface CacheEntry {
  requestKey: string;
  etag: string | null;
}

/**
 * The bookkeeping of a stored page, in ONE statement of the page's transaction: the ids the
 * pass has seen, where to continue (the resume point), the page's etag and digest, and the
 * quota units spent since the last stored page. (Data-modifying CTEs always run in full.)
 */
export async function storePage(tx: Db, point: ResumePoint, page: PageDigest, cache: CacheEntry, units: UnrecordedUnits): Promise<ResumePoint> {
  const ledger = [...units.entries()].filter(([, n]) => n > 0);
  await tx.execute(sql`
    WITH seen AS (
      INSERT INTO pass_seen (state_id, youtube_id)
      SELECT ${point.id}::int, unnest(${sql.param(page.ids)}::text[])
      ON CONFLICT DO NOTHING
    ), resume AS (
      UPDATE sync_state
         SET next_page_token = ${page.nextPageToken}::text, items_fetched = items_fetched + ${page.rawCount}::int,
             total_results = ${page.totalResults}::int, updated_at = now()
       WHERE id = ${point.id}::int
    ), etag AS (
      INSERT INTO etag_cache (request_key, etag, digest)
      SELECT ${cache.requestKey}::text, ${cache.etag}::text, ${JSON.stringify(page)}::jsonb WHERE ${cache.etag}::text IS NOT NULL
      ON CONFLICT (request_key) DO UPDATE SET etag = excluded.etag, digest = excluded.digest, updated_at = now()
       WHERE etag_cache.etag IS DISTINCT FROM excluded.etag
    ), ledger AS (
      INSERT INTO quota_usage (day, units)
      SELECT * FROM unnest(${sql.param(ledger.map(([day]) => day))}::date[], ${sql.param(ledger.map(([, n]) => n))}::int[])
      ON CONFLICT (day) DO UPDATE SET units = quota_usage.units + excluded.units, updated_at = now()
    )
    SELECT 1`);
  return {
    ...point,
    nextPageToken: page.nextPageToken,
    itemsFetched: point.itemsFetched + page.rawCount,
    totalResults: page.totalResults,
    updatedAt: new Date(),
  };
}

export async function markDone(tx: Db, point: ResumePoint): Promise<void> {
  await tx.update(syncState).set({ done: true, updatedAt: sql`now()` }).where(eq(syncState.id, point.id));
}

/** Starts a pass over: the list changed under its page tokens, so what it saw is not to be trusted. */
export async function restart(
  db: Db,
  point: ResumePoint,
  baseline: { playlistEtag?: string | null; itemCount?: number | null } = {},
): Promise<ResumePoint> {
  return db.transaction(async (tx) => {
    await tx.delete(passSeen).where(eq(passSeen.stateId, point.id));
    const [row] = await tx
      .update(syncState)
      .set({
        nextPageToken: null,
        itemsFetched: 0,
        totalResults: null,
        restarts: sql`${syncState.restarts} + 1`,
        updatedAt: sql`now()`,
        ...baseline,
      })
      .where(eq(syncState.id, point.id))
      .returning();
    return row!;
  });
}

/** SQL for "ids this pass has seen", for the removal updates. */
export function seenIds(point: ResumePoint) {
  return sql`(SELECT ${passSeen.youtubeId} FROM ${passSeen} WHERE ${passSeen.stateId} = ${point.id})`;
}
