import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { reportDeliveries } from '../db/schema.js';
import { selectRows, toDate } from '../db/values.js';
import { completeRunEndBefore, latestCompleteRun } from '../history/run-window.js';

/**
 * Which complete runs still owe the notification URL a report (table report_deliveries). A
 * report covers the window from where the last delivered one ended to the end of the newest
 * complete run, so a report that failed is not lost: its window is covered again by the next
 * one, which then says everything both would have said.
 */
export interface PendingWindow {
  from: Date | null;
  to: Date;
  lastRunId: number;
}

export async function pendingWindow(db: Db): Promise<PendingWindow | null> {
  const latest = await latestCompleteRun(db);
  if (!latest) return null;
  const [row] = await selectRows<{ delivered_to: unknown; failed: number; failed_from: unknown; failed_from_start: boolean }>(
    db,
    sql`SELECT max(window_to) FILTER (WHERE outcome IN ('sent', 'nothing')) AS delivered_to,
               count(*) FILTER (WHERE outcome = 'failed')::int AS failed,
               min(window_from) FILTER (WHERE outcome = 'failed') AS failed_from,
               coalesce(bool_or(window_from IS NULL) FILTER (WHERE outcome = 'failed'), false) AS failed_from_start
          FROM report_deliveries`,
  );
  const deliveredTo = toDate(row?.delivered_to ?? null);
  if (deliveredTo !== null) {
    return deliveredTo >= latest.finishedAt ? null : { from: deliveredTo, to: latest.finishedAt, lastRunId: latest.id };
  }
  if ((row?.failed ?? 0) > 0) {
    return { from: row!.failed_from_start ? null : toDate(row!.failed_from), to: latest.finishedAt, lastRunId: latest.id };
  }
  // The first report to this mirror's URL covers the newest run only, not the whole history.
  return { from: await completeRunEndBefore(db, latest.finishedAt), to: latest.finishedAt, lastRunId: latest.id };
}

export interface DeliveryRecord {
  outcome: 'sent' | 'failed' | 'nothing';
  window: PendingWindow & { firstRunId: number | null };
  destination: string;
  error?: string;
  document?: unknown;
}

/**
 * Records an attempt. A report that got through (or found nothing to say) covers every earlier
 * attempt, failed ones and their kept documents included: those rows go, so the table holds the
 * last delivery and the failures since — not one row per night forever.
 */
export async function recordDelivery(db: Db, record: DeliveryRecord): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(reportDeliveries)
      .values({
        outcome: record.outcome,
        firstRunId: record.window.firstRunId,
        lastRunId: record.window.lastRunId,
        windowFrom: record.window.from,
        windowTo: record.window.to,
        destination: record.destination,
        error: record.error ?? null,
        document: record.document ?? null,
      })
      .returning({ id: reportDeliveries.id });
    if (record.outcome !== 'failed') await tx.delete(reportDeliveries).where(sql`${reportDeliveries.id} < ${row!.id}`);
  });
}

/** The latest attempt, if it failed, in one line: `status` repeats it until a report gets through. */
export async function undeliveredReportWarning(db: Db): Promise<string | null> {
  const [row] = await selectRows<{ outcome: string; destination: string; error: string | null; first_run_id: number | null; last_run_id: number }>(
    db,
    sql`SELECT outcome, destination, error, first_run_id, last_run_id FROM report_deliveries ORDER BY id DESC LIMIT 1`,
  );
  if (!row || row.outcome !== 'failed') return null;
  const runs = row.first_run_id === null || row.first_run_id === row.last_run_id ? `pull #${row.last_run_id}` : `pulls #${row.first_run_id} to #${row.last_run_id}`;
  return `the report of ${runs} could not be sent to the ${row.destination} (${row.error ?? 'no reason given'}); the next pull sends it again.`;
}
