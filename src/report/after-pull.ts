import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { selectRows, toDate } from '../db/values.js';
import { hasDepartures, type ChangesReport } from '../history/changes-report.js';
import { gatherChanges } from '../history/gather.js';
import { windowOfRun, windowOfRuns } from '../history/run-window.js';
import type { ChangeWindow } from '../history/window.js';
import type { NotifyDestination } from '../notify/destination.js';
import { messageFor } from '../notify/messages.js';
import { DeliveryFailed, send } from '../notify/send.js';
import { pendingWindow, recordDelivery } from './deliveries.js';

/** What a pull's report did: `pull --json` says it under `notification`. */
export interface Notification {
  destination: string;
  /** 'nothing': the window saw nothing leave, so no message was sent. */
  outcome: 'sent' | 'failed' | 'nothing';
  /** The complete runs the report covers. */
  runs: number[];
  error?: string;
}

/**
 * The report of what this run saw leave or change, when it saw something leave (an item, a
 * playlist, a subscription): null on a quiet night, and for a run this invocation did not finish.
 */
export async function runReport(db: Db, runId: number): Promise<ChangesReport | null> {
  const [run] = await selectRows<{ finished_at: unknown }>(db, sql`SELECT finished_at FROM sync_runs WHERE id = ${runId} AND outcome = 'complete'`);
  const finishedAt = toDate(run?.finished_at ?? null);
  if (finishedAt === null) return null;
  const report = await readReport(db, await windowOfRun(db, { finishedAt }));
  return hasDepartures(report) ? report : null;
}

/**
 * Sends the report the notification URL is owed, if any: the complete runs since the last
 * report that got through (a failed one is covered again). Never throws for the delivery: a
 * failure is recorded (with the report) and returned, and the pull's exit code stays its own.
 */
export async function notify(db: Db, destination: NotifyDestination, signal: AbortSignal): Promise<Notification | null> {
  const pending = await pendingWindow(db);
  if (!pending) return null;
  const window = await windowOfRuns(db, pending.from, pending.to);
  const report = await readReport(db, window);
  const runs = window.runs.map((r) => r.id);
  const record = { window: { ...pending, firstRunId: runs[0] ?? null }, destination: destination.display };
  if (!hasDepartures(report)) {
    await recordDelivery(db, { ...record, outcome: 'nothing' });
    return { destination: destination.display, outcome: 'nothing', runs };
  }
  try {
    await send(destination, messageFor(destination.format, report), signal);
  } catch (error) {
    if (!(error instanceof DeliveryFailed)) throw error;
    await recordDelivery(db, { ...record, outcome: 'failed', error: error.message, document: report });
    return { destination: destination.display, outcome: 'failed', runs, error: error.message };
  }
  await recordDelivery(db, { ...record, outcome: 'sent' });
  return { destination: destination.display, outcome: 'sent', runs };
}

/** One snapshot: a pull writing meanwhile (on a server) cannot make the parts disagree. */
async function readReport(db: Db, window: ChangeWindow): Promise<ChangesReport> {
  return db.transaction((tx) => gatherChanges(tx as unknown as Db, window), { isolationLevel: 'repeatable read', accessMode: 'read only' });
}
