import { authorizedClient } from '../auth/oauth-client.js';
import type { CommandContext } from '../context.js';
import { openDatabase } from '../db/connection.js';
import { ExitCode, YtsyncError } from '../errors.js';
import { createReporter, type Reporter } from '../output/reporter.js';
import { formatPullSummary } from '../output/summary.js';
import { describeQuotaReset } from '../output/time.js';
import { quotaResetsAt } from '../quota-day.js';
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
}

/** What `pull --json` prints: the run's summary, today's quota, the database. */
export interface PullReport extends PullSummary {
  quota: { usedToday: number; dailyLimit: number; resetsAt: string };
  database: { kind: string; location: string };
}

/**
 * `ytsync pull`. With --json, exactly one JSON document on stdout whatever happens — also when
 * the pull could not start or failed (then `outcome: "failed"`, `error` and `exitCode`), so a
 * script reading it always gets one.
 */
export async function pullCommand(ctx: CommandContext, options: PullOptions): Promise<void> {
  const { io } = ctx;
  let report: PullReport;
  try {
    report = await runPull(ctx, options, await createReporter(io, { quiet: options.quiet }));
  } catch (error) {
    if (options.json) {
      const exitCode = error instanceof YtsyncError ? error.exitCode : ExitCode.failure;
      io.stdout.write(`${JSON.stringify({ outcome: 'failed', error: error instanceof Error ? error.message : String(error), exitCode }, null, 2)}\n`);
    }
    throw error;
  }
  const exitCode = exitCodeOf(report, io.signal);
  let error: string | undefined;
  if (exitCode !== ExitCode.ok) {
    const next =
      report.outcome === 'quota'
        ? `progress is saved; the next \`ytsync pull\` continues after the quota resets ${describeQuotaReset(new Date(report.quota.resetsAt))}.`
        : 'progress is saved; the next `ytsync pull` continues.';
    error = `${report.reason ?? report.outcome}; ${next}`;
  }
  if (options.json) io.stdout.write(`${JSON.stringify({ ...report, ...(error ? { error } : {}), exitCode }, null, 2)}\n`);
  else io.stdout.write(`${formatPullSummary(report, report.quota)}\n`);
  if (error) throw new YtsyncError(error, exitCode);
}

/**
 * One pull with the progress going to `reporter` (the command's: spinner, lines or quiet).
 * Throws only when it could not run or failed unexpectedly; how a run ended is in the report.
 */
export async function runPull({ config, io }: CommandContext, options: PullOptions, reporter: Reporter): Promise<PullReport> {
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
    reporter.stop();
    const quota = { usedToday: await unitsUsedOn(db), dailyLimit: config.dailyQuota, resetsAt: quotaResetsAt().toISOString() };
    return { ...summary, quota, database: { kind: database.kind, location: database.location } };
  } finally {
    reporter.stop();
    // A token refreshed near the end must reach disk before main.ts exits the process.
    const unsaved = await flushCredentials();
    if (unsaved) io.stderr.write(`ytsync: warning: could not save the refreshed access token (${unsaved}); the next command refreshes it again.\n`);
    await database.close();
  }
}
