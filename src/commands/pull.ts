import { authorizedClient } from '../auth/oauth-client.js';
import type { CommandContext } from '../context.js';
import { openDatabase } from '../db/connection.js';
import { YtsyncError } from '../errors.js';
import { createReporter, type Reporter } from '../output/reporter.js';
import { formatPullSummary } from '../output/summary.js';
import { describeQuotaReset } from '../output/time.js';
import { quotaResetsAt } from '../quota-day.js';
import { costEstimateMessage } from '../status/pull-estimate.js';
import { exitCodeOf, pull } from '../sync/pull.js';
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

export async function pullCommand(ctx: CommandContext, options: PullOptions): Promise<void> {
  await runPull(ctx, options, await createReporter(ctx.io, { quiet: options.quiet }));
}

/** `ytsync pull` with the progress going to `reporter` (the command's: spinner, lines or quiet). */
export async function runPull({ config, io }: CommandContext, options: PullOptions, reporter: Reporter): Promise<void> {
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
    const summary = await pull({ db, client, meter, reporter, signal: io.signal, concurrency: options.concurrency });
    reporter.stop();
    const usedToday = await unitsUsedOn(db);
    const quota = { usedToday, dailyLimit: config.dailyQuota, resetsAt: quotaResetsAt().toISOString() };
    if (options.json) io.stdout.write(`${JSON.stringify({ ...summary, quota, database: { kind: database.kind, location: database.location } }, null, 2)}\n`);
    else io.stdout.write(`${formatPullSummary(summary, quota)}\n`);
    const code = exitCodeOf(summary, io.signal);
    if (code !== 0) {
      const next = summary.outcome !== 'quota' ? 'progress is saved; the next `ytsync pull` continues.' : `progress is saved; the next \`ytsync pull\` continues after the quota resets ${describeQuotaReset(new Date(quota.resetsAt))}.`;
      throw new YtsyncError(`${summary.reason ?? summary.outcome}; ${next}`, code as never);
    }
  } finally {
    reporter.stop();
    // A token refreshed near the end must reach disk before main.ts exits the process.
    const unsaved = await flushCredentials();
    if (unsaved) io.stderr.write(`ytsync: warning: could not save the refreshed access token (${unsaved}); the next command refreshes it again.\n`);
    await database.close();
  }
}
