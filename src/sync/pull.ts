import type { Db } from '../db/connection.js';
import { YtsyncError, ExitCode } from '../errors.js';
import { QuotaExhausted, type YouTubeClient } from '../youtube/client.js';
import { mirrorCounts, type MirrorCounts } from '../mirror/counts.js';
import type { EtagStore } from '../youtube/etag-store.js';
import { BudgetReached, type QuotaMeter } from '../youtube/quota-meter.js';
import { itemsPass } from './items-pass.js';
import type { PassContext } from './pass-context.js';
import { playlistsPass } from './playlists-pass.js';
import { subscriptionsPass } from './subscriptions-pass.js';
import { ChangeTally, RunControl, type SyncReporter } from './run-control.js';
import { endInvocation, listWarnings, openRun, recordChannel } from './run-store.js';
import { videosPass } from './videos-pass.js';

export type PullOutcome = 'complete' | 'quota' | 'budget' | 'interrupted' | 'failed';

export interface PullSummary {
  outcome: PullOutcome;
  runId: number;
  /** This invocation continued a run an earlier one left unfinished. */
  resumed: boolean;
  unitsSpent: number;
  counts: MirrorCounts;
  changes: ReturnType<ChangeTally['toJSON']>;
  /**
   * What the run could not do and why, one line each, over all its invocations: lists YouTube
   * refused (skipped, their stored items kept), lists that kept changing while read, no Liked list.
   */
  warnings: string[];
  /** Why the run stopped early, in one line. */
  reason?: string;
}

/** Said once per pull when the channel names no Liked list (recordings show "" or no key). */
export const NO_LIKES_WARNING =
  'YouTube names no Liked videos list for this channel (relatedPlaylists.likes is empty), so it is not mirrored; what was stored of it before is kept.';

export interface PullDeps {
  db: Db;
  client: YouTubeClient;
  /** The client's etag store: pruned when a run completes. */
  etags: EtagStore;
  meter: QuotaMeter;
  reporter: SyncReporter;
  signal: AbortSignal;
  /** Aborts when the pull lock is lost: the run stops at its next page boundary with that reason. */
  lockLost?: AbortSignal;
  concurrency: number;
}

/**
 * One `ytsync pull`: continues the unfinished run or starts one, runs the passes in order
 * (channel → playlists → subscriptions → items → videos) and records how this invocation ended. Failures that
 * the user should see as an exit code other than 1 are returned in the summary; anything
 * unexpected is recorded as 'failed' and rethrown.
 */
export async function pull(deps: PullDeps): Promise<PullSummary> {
  const { db, client, meter, reporter, signal } = deps;
  const { run, resumed } = await openRun(db);
  if (resumed) reporter.event(`continuing the unfinished run #${run.id} (started ${run.startedAt.toISOString()})`);
  const tally = new ChangeTally();
  const control = new RunControl(signal, reporter, tally, meter);
  const { lockLost } = deps;
  if (lockLost?.aborted) control.fail(lockLost.reason);
  lockLost?.addEventListener('abort', () => control.fail(lockLost.reason), { once: true });

  let outcome: PullOutcome = 'complete';
  let reason: string | undefined;
  let failure: unknown;
  try {
    if (!run.channelId) {
      const answer = await client.channelMine();
      if (!answer) throw new YtsyncError('this Google account has no YouTube channel, so it has no playlists to mirror.', ExitCode.failure);
      const channel = await recordChannel(db, run.id, answer);
      run.channelId = channel.channelId;
      run.likesPlaylistId = channel.likesPlaylistId;
      reporter.event(`account: ${channel.title ?? channel.channelId} (${channel.channelId})`);
    }
    if (!run.likesPlaylistId) reporter.warn(NO_LIKES_WARNING);
    const ctx: PassContext = { db, client, control, run, concurrency: deps.concurrency };
    for (const pass of [playlistsPass, subscriptionsPass, itemsPass, videosPass]) {
      await pass(ctx);
      if (control.stopped) break;
    }
    control.rethrow();
    if (signal.aborted) {
      outcome = 'interrupted';
      reason = `stopped by ${String(signal.reason)}`;
    }
  } catch (error) {
    if (error instanceof QuotaExhausted) {
      outcome = 'quota';
      reason = error.message;
    } else if (error instanceof BudgetReached) {
      outcome = 'budget';
      reason = error.message;
    } else if (signal.aborted) {
      outcome = 'interrupted';
      reason = `stopped by ${String(signal.reason)}`;
    } else {
      outcome = 'failed';
      reason = error instanceof Error ? error.message : String(error);
      failure = error;
    }
  }

  // Units of requests after the last stored page (errors, refusals, the page in flight).
  await meter.flush(db);
  const counts = await mirrorCounts(db);
  const warnings = [...(run.channelId && !run.likesPlaylistId ? [NO_LIKES_WARNING] : []), ...(await listWarnings(db, run.id))];
  const summary: PullSummary = { outcome, runId: run.id, resumed, unitsSpent: meter.unitsSpent, counts, changes: tally.toJSON(), warnings, reason };
  await endInvocation(db, run.id, outcome, meter.unitsSpent, summary);
  if (outcome === 'complete') await deps.etags.prune(run.startedAt);
  if (failure !== undefined) throw failure;
  return summary;
}

export function exitCodeOf(summary: PullSummary, signal: AbortSignal): ExitCode {
  switch (summary.outcome) {
    case 'complete':
      return ExitCode.ok;
    case 'quota':
    case 'budget':
      return ExitCode.quota;
    case 'interrupted':
      return signal.reason === 'SIGTERM' ? ExitCode.sigterm : ExitCode.sigint;
    case 'failed':
      return ExitCode.failure;
  }
}

