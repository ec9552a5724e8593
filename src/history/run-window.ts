import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { selectRows, toDate } from '../db/values.js';
import type { ChangeWindow, RunSpan } from './window.js';

/**
 * Windows of what complete pulls saw, for the report a pull delivers. Every change is stamped
 * during a pull, before the pull records its end: the changes a complete run saw are exactly
 * those stamped after the end of the complete run before it, up to its own end.
 */

/** What the complete runs that finished in (from, to] saw. */
export async function windowOfRuns(db: Db, from: Date | null, to: Date): Promise<ChangeWindow> {
  const found = await selectRows<{ id: number; started_at: unknown; finished_at: unknown }>(
    db,
    sql`SELECT id, started_at, finished_at FROM sync_runs
         WHERE outcome = 'complete' AND finished_at > coalesce(${from?.toISOString() ?? null}::timestamptz, '-infinity')
           AND finished_at <= ${to.toISOString()}::timestamptz
         ORDER BY finished_at`,
  );
  const runs: RunSpan[] = found.map((r) => ({ id: r.id, startedAt: toDate(r.started_at)!, finishedAt: toDate(r.finished_at) }));
  return { from, to, basis: 'report', runs };
}

/** The newest complete run: its id and when it finished; null before the first. */
export async function latestCompleteRun(db: Db): Promise<{ id: number; finishedAt: Date } | null> {
  const [row] = await selectRows<{ id: number; finished_at: unknown }>(
    db,
    sql`SELECT id, finished_at FROM sync_runs WHERE outcome = 'complete' AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1`,
  );
  return row ? { id: row.id, finishedAt: toDate(row.finished_at)! } : null;
}

/** When the complete run before this moment finished (null: none did, the mirror began after). */
export async function completeRunEndBefore(db: Db, moment: Date): Promise<Date | null> {
  const [row] = await selectRows<{ at: unknown }>(
    db,
    sql`SELECT max(finished_at) AS at FROM sync_runs WHERE outcome = 'complete' AND finished_at < ${moment.toISOString()}::timestamptz`,
  );
  return toDate(row?.at ?? null);
}

/** What one complete run saw: from the end of the complete run before it to its own end. */
export async function windowOfRun(db: Db, run: { finishedAt: Date }): Promise<ChangeWindow> {
  return windowOfRuns(db, await completeRunEndBefore(db, run.finishedAt), run.finishedAt);
}
