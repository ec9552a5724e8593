import { existsSync } from 'node:fs';
import { CredentialsUnreadable, FileCredentialStore } from '../auth/credential-store.js';
import type { Config } from '../config.js';
import { describeDatabase, openDatabase } from '../db/connection.js';
import { quotaDay, quotaResetsAt } from '../quota-day.js';
import { mirrorCounts, type MirrorCounts } from '../mirror/counts.js';
import { undeliveredReportWarning } from '../report/deliveries.js';
import { unitsUsedOn } from '../youtube/quota-meter.js';
import type { CostEstimate } from './estimate.js';
import { estimateNextPull, lastPullWarnings, mirroredAccount, recentRuns, serverPullHolder, unfinishedRun, type RunInfo, type UnfinishedRun } from './queries.js';

/** `ytsync status --json` (SPEC.md), plus what a person needs to act on it. */
export interface StatusReport {
  /** From the credentials file, else from the mirror's `account` row; null if neither knows. */
  account: { channelId: string; title: string | null } | null;
  /** A credentials file exists (pull can run without `ytsync login`). */
  loggedIn: boolean;
  /** Problems worth a line (an unreadable credentials file, what the last pull warned about…); status still answers. */
  warnings: string[];
  /** `psql`: the command that opens the private server's database (embedded only). */
  database: { kind: 'postgres' | 'embedded'; location: string; exists: boolean; psql?: string };
  /** The pull running now, if any (information only: everything else is read live meanwhile). */
  busy: { holder: string } | null;
  counts: MirrorCounts | null;
  quota: { day: string; usedToday: number | null; dailyLimit: number; resetsAt: string };
  lastRun: RunInfo | null;
  unfinishedRun: UnfinishedRun | null;
  lastRuns: RunInfo[];
  /** Quota units the next `pull` will probably spend; null when unknown (before the first run). */
  nextPullEstimate: CostEstimate | null;
}

const EMPTY_COUNTS: MirrorCounts = { playlists: 0, videos: 0, items: 0, removedItems: 0, unavailableVideos: 0, subscriptions: 0 };

/** Everything `status` reports. Offline, credentials optional, never loads the Google client. */
export async function gatherStatus(config: Config, now: Date = new Date()): Promise<StatusReport> {
  const described = describeDatabase(config);
  const credentials = await readAccount(config);
  const report: StatusReport = {
    account: credentials.account,
    loggedIn: credentials.loggedIn,
    warnings: credentials.warning ? [credentials.warning] : [],
    database: { ...described, exists: true },
    busy: null,
    counts: null,
    quota: { day: quotaDay(now), usedToday: null, dailyLimit: config.dailyQuota, resetsAt: quotaResetsAt(now).toISOString() },
    lastRun: null,
    unfinishedRun: null,
    lastRuns: [],
    nextPullEstimate: null,
  };

  // A fresh machine: report an empty mirror rather than create the database just to count nothing.
  if (described.kind === 'embedded' && !existsSync(config.embeddedDbPath)) {
    return { ...report, database: { ...report.database, exists: false }, counts: EMPTY_COUNTS, quota: { ...report.quota, usedToday: 0 } };
  }

  const database = await openDatabase(config, { pullLock: false, command: 'status' });
  try {
    const { db } = database;
    const runs = await recentRuns(db);
    return {
      ...report,
      warnings: [...report.warnings, ...(await lastPullWarnings(db)), ...[await undeliveredReportWarning(db)].filter((w): w is string => w !== null)],
      account: report.account ?? (await mirroredAccount(db)),
      busy: holderObject(await serverPullHolder(db)),
      counts: await mirrorCounts(db),
      quota: { ...report.quota, usedToday: await unitsUsedOn(db, report.quota.day) },
      lastRun: runs[0] ?? null,
      unfinishedRun: await unfinishedRun(db),
      lastRuns: runs,
      nextPullEstimate: await estimateNextPull(db),
    };
  } finally {
    await database.close();
  }
}

const holderObject = (holder: string | null) => (holder === null ? null : { holder });

async function readAccount(config: Config): Promise<{ account: StatusReport['account']; loggedIn: boolean; warning?: string }> {
  try {
    const stored = await new FileCredentialStore(config.credentialsPath).load();
    return { account: stored?.account ?? null, loggedIn: stored !== undefined };
  } catch (error) {
    if (!(error instanceof CredentialsUnreadable)) throw error;
    return { account: null, loggedIn: false, warning: `${error.message}; run \`ytsync login\` again.` };
  }
}
