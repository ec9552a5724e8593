import { authorizedClient } from '../auth/oauth-client.js';
import type { Config } from '../config.js';
import type { CommandContext } from '../context.js';
import { openDatabase } from '../db/connection.js';
import { ExitCode, SilentExit, UsageError, YtsyncError } from '../errors.js';
import type { ChangesReport } from '../history/changes-report.js';
import { parseNotifyUrl, type NotifyDestination } from '../notify/destination.js';
import { formatChangesReport } from '../output/changes-text.js';
import { createReporter, type Reporter } from '../output/reporter.js';
import { formatPullSummary } from '../output/summary.js';
import { describeQuotaReset } from '../output/time.js';
import { quotaResetsAt } from '../quota-day.js';
import { notify, runReport, type Notification } from '../report/after-pull.js';
import { costEstimateMessage } from '../status/pull-estimate.js';
import { exitCodeOf, pull, type PullSummary } from '../sync/pull.js';
import { DEFAULT_BACKOFF } from '../youtube/backoff.js';
import { YouTubeClient } from '../youtube/client.js';
import { EtagStore } from '../youtube/etag-store.js';
import { QuotaMeter, unitsUsedOn } from '../youtube/quota-meter.js';

export interface PullOptions {
  maxUnits?: number;
  concurrency: number;
  json?: boolean;
  quiet?: boolean;
  /** For cron's mail: print only the report of what this run saw leave; nothing on a quiet night. */
  report?: boolean;
  /** Where to send the report (overrides YTSYNC_NOTIFY_URL). */
  notify?: string;
}

/** What `pull --json` prints: the run's summary, today's quota, the database, the notification. */
export interface PullResult extends PullSummary {
  quota: { usedToday: number; dailyLimit: number; resetsAt: string };
  database: { kind: string; location: string };
  notification: Notification | null;
}

/** What `--report` keeps silent: nights that sort themselves out, for which no mail is wanted. */
const SELF_RESOLVING: ReadonlySet<number> = new Set([ExitCode.quota, ExitCode.locked, ExitCode.sigint, ExitCode.sigterm]);

/**
 * `ytsync pull`. Prints the summary line; or, with --json, exactly one JSON document whatever
 * happens — also when the pull could not start or failed (then `outcome: "failed"`, `error` and
 * `exitCode`); or, with --report, only what this run saw leave (nothing on a quiet night, nor
 * on a night that sorts itself out: the exit code still tells).
 */
export async function pullCommand(ctx: CommandContext, options: PullOptions): Promise<void> {
  const { io } = ctx;
  const silence = (code: number) => options.report === true && SELF_RESOLVING.has(code);
  let ran: { result: PullResult; lost: ChangesReport | null };
  try {
    ran = await runPull(ctx, options, await createReporter(io, options.report ? { silent: true } : { quiet: options.quiet }));
  } catch (error) {
    const exitCode = error instanceof YtsyncError ? error.exitCode : ExitCode.failure;
    if (options.json) io.stdout.write(`${JSON.stringify({ outcome: 'failed', error: error instanceof Error ? error.message : String(error), exitCode }, null, 2)}\n`);
    if (silence(exitCode)) throw new SilentExit(exitCode);
    throw error;
  }
  const { result, lost } = ran;
  const exitCode = exitCodeOf(result, io.signal);
  let error: string | undefined;
  if (exitCode !== ExitCode.ok) {
    const next =
      result.outcome === 'quota'
        ? `progress is saved; the next \`ytsync pull\` continues after the quota resets ${describeQuotaReset(new Date(result.quota.resetsAt))}.`
        : 'progress is saved; the next `ytsync pull` continues.';
    error = `${result.reason ?? result.outcome}; ${next}`;
  }
  if (options.json) io.stdout.write(`${JSON.stringify({ ...result, ...(error ? { error } : {}), exitCode }, null, 2)}\n`);
  else if (options.report) {
    if (lost) io.stdout.write(`${formatChangesReport(lost)}${result.warnings.map((w) => `\nwarning: ${w}`).join('')}\n`);
  } else io.stdout.write(`${formatPullSummary(result, result.quota)}\n`);
  if (error === undefined) return;
  if (silence(exitCode)) throw new SilentExit(exitCode);
  throw new YtsyncError(error, exitCode);
}

/**
 * One pull with the progress going to `reporter` (the command's: spinner, lines, quiet or
 * silent), then the report of what it saw leave when asked for, and the notification when a
 * URL is set. Throws only when it could not run or failed unexpectedly; how the run ended is
 * in the result.
 */
export async function runPull({ config, io }: CommandContext, options: PullOptions, reporter: Reporter): Promise<{ result: PullResult; lost: ChangesReport | null }> {
  const destination = notifyDestination(config, options.notify);
  // Credentials first: not being logged in must not touch the database.
  const { client: oauth, flush: flushCredentials } = await authorizedClient(config);
  const database = await openDatabase(config, { pullLock: true, command: 'pull' });
  try {
    const { db } = database;
    const usedBefore = await unitsUsedOn(db);
    if (usedBefore >= config.dailyQuota) {
      // The ledger informs, never vetoes: other programs share the quota and only Google's reset counts.
      reporter.warn(`the ledger says today's quota is spent (${usedBefore}/${config.dailyQuota} units); probing with one request (the quota resets ${describeQuotaReset(quotaResetsAt())}).`);
    }
    reporter.event(await costEstimateMessage(db, usedBefore, config.dailyQuota));
    const { youtube_v3 } = await import('@googleapis/youtube');
    const meter = new QuotaMeter(options.maxUnits);
    const etags = new EtagStore(db);
    const client = new YouTubeClient({
      api: new youtube_v3.Youtube({ auth: oauth, rootUrl: config.apiRoot }),
      oauth,
      meter,
      etags,
      backoff: DEFAULT_BACKOFF,
      signal: io.signal,
      tokenUrl: config.oauth.tokenUrl,
      onRetry: (what, reason, attempt, delayMs) =>
        reporter.event(`${what}: ${reason}, retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1})`),
    });
    const summary = await pull({ db, client, etags, meter, reporter, signal: io.signal, lockLost: database.pullLockLost, concurrency: options.concurrency });
    const lost = options.report ? await runReport(db, summary.runId) : null;
    const notification = destination ? await deliver(db, destination, io, reporter) : null;
    reporter.stop();
    const quota = { usedToday: await unitsUsedOn(db), dailyLimit: config.dailyQuota, resetsAt: quotaResetsAt().toISOString() };
    return { result: { ...summary, quota, database: { kind: database.kind, location: database.location }, notification }, lost };
  } finally {
    reporter.stop();
    // A token refreshed near the end must reach disk before main.ts exits the process.
    const unsaved = await flushCredentials();
    if (unsaved) io.stderr.write(`ytsync: warning: could not save the refreshed access token (${unsaved}); the next command refreshes it again.\n`);
    await database.close();
  }
}

function notifyDestination(config: Config, flag: string | undefined): NotifyDestination | undefined {
  if (flag === undefined) return config.notify;
  const parsed = parseNotifyUrl(flag);
  // Never repeat the URL: it may hold a token or a secret topic.
  if ('problem' in parsed) throw new UsageError(`--notify ${parsed.problem}.`);
  return parsed;
}

/**
 * Sends what the notification URL is owed. Whatever happens here, the pull's exit code stays
 * its own: a failure is one warning line, and the report is kept for the next pull to send.
 */
async function deliver(db: Parameters<typeof notify>[0], destination: NotifyDestination, io: CommandContext['io'], reporter: Reporter): Promise<Notification | null> {
  let notification: Notification | null;
  try {
    notification = await notify(db, destination, io.signal);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    io.stderr.write(`ytsync: warning: could not prepare the report for the ${destination.display} (${reason}); the next pull tries again.\n`);
    return { destination: destination.display, outcome: 'failed', runs: [], error: reason };
  }
  if (notification?.outcome === 'failed') {
    io.stderr.write(`ytsync: warning: could not send the report to the ${destination.display} (${notification.error}); it is kept and sent with the next report.\n`);
  } else if (notification?.outcome === 'sent') {
    reporter.event(`report of pull${notification.runs.length === 1 ? '' : 's'} ${notification.runs.map((r) => `#${r}`).join(', ')} sent to the ${destination.display}`);
  }
  return notification;
}
