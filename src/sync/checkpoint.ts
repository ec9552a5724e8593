import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { passSeen, syncState } from '../db/schema.js';
import type { PageDigest } from '../youtube/etag-store.js';
import { chunks } from './chunks.js';

/**
 * Resume points (SPEC.md `sync_state`): where each pass, and each list of the items pass, stands
 * in the unfinished run. Only the list reader (sync/list-read.ts) and the videos pass move them.
 */

export type PassName = 'playlists' | 'subscriptions' | 'items' | 'videos';
export type ResumePoint = typeof syncState.$inferSelect;

/** How a finished read of a list ended (see the `outcome` column). */
export type ReadOutcome = 'complete' | 'unverified' | 'skipped';

/** The resume point of a pass not tied to one list (created on first use). */
export async function passPoint(db: Db, runId: number, pass: Exclude<PassName, 'items'>): Promise<ResumePoint> {
  await db.insert(syncState).values({ runId, pass }).onConflictDoNothing();
  const [row] = await db
    .select()
    .from(syncState)
    .where(and(eq(syncState.runId, runId), eq(syncState.pass, pass), isNull(syncState.playlistYoutubeId)));
  return row!;
}

/** The items pass's resume points, one per list, in the order they were planned. */
export async function listPoints(db: Db, runId: number): Promise<ResumePoint[]> {
  return db
    .select()
    .from(syncState)
    .where(and(eq(syncState.runId, runId), eq(syncState.pass, 'items')))
    .orderBy(syncState.id);
}

/**
 * Plans the items pass from the lists the account has now: a resume point for each list not
 * planned yet; a planned list that is no longer there (deleted since an earlier invocation
 * planned it) is closed, never asked for.
 */
export async function planLists(db: Db, runId: number, lists: Array<{ youtubeId: string; itemCount: number | null }>): Promise<void> {
  await db.transaction(async (tx) => {
    for (const batch of chunks(lists, 500)) {
      await tx
        .insert(syncState)
        .values(batch.map((l) => ({ runId, pass: 'items', playlistYoutubeId: l.youtubeId, itemCount: l.itemCount })))
        .onConflictDoNothing();
    }
    await tx
      .update(syncState)
      .set({ done: true, updatedAt: sql`now()` })
      .where(
        and(
          eq(syncState.runId, runId),
          eq(syncState.pass, 'items'),
          eq(syncState.done, false),
          sql`${syncState.playlistYoutubeId} <> ALL(${sql.param(lists.map((l) => l.youtubeId))}::text[])`,
        ),
      );
  });
}

/**
 * Starts a read of a list from its first page. `restart`: it is a read again (the list changed
 * under the last one, or was partly read by an earlier invocation), counted against the list's
 * restarts.
 */
export async function beginRead(db: Db, point: ResumePoint, restart: boolean): Promise<ResumePoint> {
  const [row] = await db
    .update(syncState)
    .set({
      nextPageToken: null,
      itemsFetched: 0,
      totalResults: null,
      done: false,
      outcome: null,
      note: null,
      restarts: restart ? sql`${syncState.restarts} + 1` : syncState.restarts,
      updatedAt: sql`now()`,
    })
    .where(eq(syncState.id, point.id))
    .returning();
  return row!;
}

/**
 * The statement that moves a resume point past a stored page (part of the page's transaction,
 * see sync/page-commit.ts) and the point it leaves. `end`: the read is over with that page.
 */
export function advance(
  point: ResumePoint,
  page: Pick<PageDigest, 'nextPageToken' | 'rawCount' | 'totalResults'>,
  end?: { outcome: ReadOutcome; note: string | null },
): { statement: SQL; next: ResumePoint } {
  // items_fetched counts up in SQL (the videos pass stores several batches at once); the point
  // in hand keeps the value it was read with.
  const next: ResumePoint = {
    ...point,
    nextPageToken: page.nextPageToken,
    totalResults: page.totalResults,
    done: end !== undefined,
    outcome: end?.outcome ?? null,
    note: end?.note ?? null,
    updatedAt: new Date(),
  };
  const statement = sql`UPDATE sync_state
     SET next_page_token = ${next.nextPageToken}::text, items_fetched = items_fetched + ${page.rawCount}::int,
         total_results = ${next.totalResults}::int,
         done = ${next.done}::boolean, outcome = ${next.outcome}::text, note = ${next.note}::text, updated_at = now()
   WHERE id = ${point.id}::int`;
  return { statement, next };
}

/** Ends a read without a page (skipped, gone) or a pass; `note` says why, for warnings. */
export async function finish(db: Db, point: ResumePoint, outcome: ReadOutcome | null = null, note: string | null = null): Promise<void> {
  await db.update(syncState).set({ done: true, outcome, note, updatedAt: sql`now()` }).where(eq(syncState.id, point.id));
}

/** The statement recording ids a pass has handled (the videos pass: ids asked for). */
export function seenEntry(point: ResumePoint, ids: string[]): SQL {
  return sql`INSERT INTO pass_seen (state_id, youtube_id) SELECT ${point.id}::int, unnest(${sql.param(ids)}::text[]) ON CONFLICT DO NOTHING`;
}

/** SQL for "ids this pass has handled". */
export function seenIds(point: ResumePoint): SQL {
  return sql`(SELECT ${passSeen.youtubeId} FROM ${passSeen} WHERE ${passSeen.stateId} = ${point.id})`;
}
