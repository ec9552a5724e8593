import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { account, syncRuns, syncState } from '../db/schema.js';
import type { ChannelRecord } from '../youtube/records.js';

export type RunRow = typeof syncRuns.$inferSelect;

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

/**
 * Records the account's channel for the run and returns what the run goes by: an answer that
 * left out a part keeps what the last answer about the same channel said (its title, its Liked
 * list) instead of reading as "no title" or "likes hidden".
 */
export async function recordChannel(db: Db, runId: number, answer: ChannelRecord): Promise<ChannelRecord> {
  return db.transaction(async (tx) => {
    const [stored] = await tx.select().from(account).where(eq(account.id, 1));
    const known = stored?.channelId === answer.channelId ? stored : undefined;
    const lacks = new Set(answer.missingParts);
    const channel: ChannelRecord = {
      channelId: answer.channelId,
      title: known && lacks.has('snippet') ? known.title : answer.title,
      likesPlaylistId: known && lacks.has('contentDetails') ? known.likesPlaylistId : answer.likesPlaylistId,
    };
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
    return channel;
  });
}

/**
 * What the run has to warn about, over all its invocations so far: lists it skipped or could not
 * verify (their resume points keep the warning until the run completes), in planning order.
 */
export async function listWarnings(db: Db, runId: number): Promise<string[]> {
  const rows = await db
    .select({ note: syncState.note })
    .from(syncState)
    .where(and(eq(syncState.runId, runId), inArray(syncState.outcome, ['skipped', 'unverified']), isNotNull(syncState.note)))
    .orderBy(asc(syncState.id));
  return rows.map((r) => r.note!);
}

/** Ends this invocation: its outcome and units; a complete run also drops its resume points. */
export async function endInvocation(db: Db, runId: number, outcome: string, units: number, summary: unknown): Promise<void> {
  await db.transaction(async (tx) => {
    const complete = outcome === 'complete';
    await tx
      .update(syncRuns)
      .set({
        outcome,
        unitsSpent: sql`${syncRuns.unitsSpent} + ${units}`,
        // Rounded up to the millisecond: every change the run stamped is at or before it, and a
        // JavaScript Date holds it exactly, so windows "after run A, up to run B" (history/run-window.ts)
        // need no sub-millisecond arithmetic.
        finishedAt: complete ? sql`date_trunc('milliseconds', now()) + interval '1 millisecond'` : null,
        summary,
        updatedAt: sql`now()`,
      })
      .where(eq(syncRuns.id, runId));
    if (complete) await tx.delete(syncState).where(eq(syncState.runId, runId));
  });
}
