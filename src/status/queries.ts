import { desc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { LOCK_NAMESPACE, PULL_LOCK } from '../db/lock-keys.js';
import { account, playlists, syncRuns, syncState } from '../db/schema.js';
import { estimatePullCost, type CostEstimate, type EstimateInputs } from './estimate.js';

/** Read-only queries behind `ytsync status` and the cost estimate `pull` prints. */

export interface RunInfo {
  id: number;
  startedAt: string;
  /** Set when the run completed; an unfinished run may span several invocations. */
  finishedAt: string | null;
  /** Outcome of the latest invocation: running | complete | quota | budget | interrupted | failed. */
  outcome: string;
  unitsSpent: number;
  invocations: number;
  /** When the latest invocation last recorded anything. */
  updatedAt: string;
}

export interface PlaylistProgress {
  playlistId: string;
  title: string | null;
  kind: string | null;
  itemsFetched: number;
  itemCount: number | null;
  totalResults: number | null;
  /** Reading continues from a stored page token (false: not started). */
  started: boolean;
  restarts: number;
}

export interface UnfinishedRun extends RunInfo {
  passes: {
    playlists: { done: boolean; itemsFetched: number; totalResults: number | null } | null;
    subscriptions: { done: boolean; itemsFetched: number; totalResults: number | null } | null;
    items: { playlists: number; done: number; pending: PlaylistProgress[] } | null;
    videos: { done: boolean; fetched: number; total: number | null } | null;
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function runInfo(row: typeof syncRuns.$inferSelect): RunInfo {
  return {
    id: row.id,
    startedAt: row.startedAt.toISOString(),
    finishedAt: iso(row.finishedAt),
    outcome: row.outcome,
    unitsSpent: row.unitsSpent,
    invocations: row.invocations,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function recentRuns(db: Db, limit = 5): Promise<RunInfo[]> {
  const rows = await db.select().from(syncRuns).orderBy(desc(syncRuns.id)).limit(limit);
  return rows.map(runInfo);
}

async function resumeRows(db: Db, runId: number) {
  return db
    .select({
      pass: syncState.pass,
      playlistYoutubeId: syncState.playlistYoutubeId,
      nextPageToken: syncState.nextPageToken,
      itemsFetched: syncState.itemsFetched,
      totalResults: syncState.totalResults,
      itemCount: syncState.itemCount,
      restarts: syncState.restarts,
      done: syncState.done,
      title: playlists.title,
      kind: playlists.kind,
    })
    .from(syncState)
    .leftJoin(playlists, eq(playlists.youtubeId, syncState.playlistYoutubeId))
    .where(eq(syncState.runId, runId))
    .orderBy(syncState.id);
}

export async function unfinishedRun(db: Db): Promise<UnfinishedRun | null> {
  const [row] = await db.select().from(syncRuns).where(isNull(syncRuns.finishedAt)).orderBy(desc(syncRuns.id)).limit(1);
  if (!row) return null;
  const points = await resumeRows(db, row.id);
  const playlistsPoint = points.find((p) => p.pass === 'playlists');
  const subscriptionsPoint = points.find((p) => p.pass === 'subscriptions');
  const items = points.filter((p) => p.pass === 'items');
  const videosPoint = points.find((p) => p.pass === 'videos');
  return {
    ...runInfo(row),
    passes: {
      playlists: playlistsPoint
        ? { done: playlistsPoint.done, itemsFetched: playlistsPoint.itemsFetched, totalResults: playlistsPoint.totalResults }
        : null,
      subscriptions: subscriptionsPoint
        ? { done: subscriptionsPoint.done, itemsFetched: subscriptionsPoint.itemsFetched, totalResults: subscriptionsPoint.totalResults }
        : null,
      items:
        items.length === 0
          ? null
          : {
              playlists: items.length,
              done: items.filter((p) => p.done).length,
              pending: items
                .filter((p) => !p.done)
                .map((p) => ({
                  playlistId: p.playlistYoutubeId!,
                  title: p.title,
                  kind: p.kind,
                  itemsFetched: p.itemsFetched,
                  itemCount: p.itemCount,
                  totalResults: p.totalResults,
                  started: p.nextPageToken !== null,
                  restarts: p.restarts,
                })),
            },
      videos: videosPoint ? { done: videosPoint.done, fetched: videosPoint.itemsFetched, total: videosPoint.totalResults } : null,
    },
  };
}

/**
 * What the latest pull warned about (lists YouTube refused, lists that kept changing, no Liked
 * list): status repeats it until a pull no longer has to.
 */
export async function lastPullWarnings(db: Db): Promise<string[]> {
  const [row] = await db.select({ summary: syncRuns.summary }).from(syncRuns).orderBy(desc(syncRuns.id)).limit(1);
  const warnings = (row?.summary as { warnings?: unknown } | null | undefined)?.warnings;
  return Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === 'string') : [];
}

/** The account the mirror belongs to, as the last pull recorded it. */
export async function mirroredAccount(db: Db): Promise<{ channelId: string; title: string | null } | null> {
  const [row] = await db.select({ channelId: account.channelId, title: account.title }).from(account).limit(1);
  return row ?? null;
}

/** Inputs of the cost estimate, read in a handful of small queries. */
export async function estimateInputs(db: Db): Promise<EstimateInputs> {
  const [lastComplete] = await db
    .select({ units: syncRuns.unitsSpent })
    .from(syncRuns)
    .where(isNotNull(syncRuns.finishedAt))
    .orderBy(desc(syncRuns.id))
    .limit(1);
  const lists = await db
    .select({ kind: playlists.kind, itemCount: playlists.itemCount })
    .from(playlists)
    .where(isNull(playlists.removedAt));
  const videos = (await db.execute(sql`
    SELECT count(DISTINCT pv.video_id)::int AS "n" FROM playlist_videos pv JOIN playlists p ON p.id = pv.playlist_id
     WHERE pv.removed_at IS NULL AND p.removed_at IS NULL`)) as unknown as { rows: Array<{ n: number }> };
  const subscriptions = (await db.execute(sql`SELECT count(*)::int AS "n" FROM subscriptions WHERE removed_at IS NULL`)) as unknown as {
    rows: Array<{ n: number }>;
  };
  const [open] = await db
    .select({ id: syncRuns.id, channelId: syncRuns.channelId })
    .from(syncRuns)
    .where(isNull(syncRuns.finishedAt))
    .orderBy(desc(syncRuns.id))
    .limit(1);
  const points = open ? await resumeRows(db, open.id) : [];
  return {
    lastCompleteRunUnits: lastComplete?.units ?? null,
    playlists: lists.filter((l) => l.kind === 'playlist').length,
    listSizes: lists.map((l) => l.itemCount),
    knownVideos: Number(videos.rows[0]?.n ?? 0),
    subscriptions: Number(subscriptions.rows[0]?.n ?? 0),
    unfinished: open ? { channelKnown: open.channelId !== null, resumePoints: points } : null,
  };
}

/** What the next `pull` will probably cost (see estimate.ts). */
export async function estimateNextPull(db: Db): Promise<CostEstimate | null> {
  return estimatePullCost(await estimateInputs(db));
}

/**
 * Who holds the pull lock (pg_locks is visible to everyone); null when no pull runs.
 * Advisory locks are per database, pg_locks is not.
 */
export async function serverPullHolder(db: Db): Promise<string | null> {
  const result = (await db.execute(sql`
    SELECT a.application_name AS "name", a.pid AS "pid", a.backend_start AS "since"
      FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.classid = ${LOCK_NAMESPACE} AND l.objid = ${PULL_LOCK} AND l.granted
     LIMIT 1`)) as unknown as { rows: Array<{ name: string | null; pid: number; since: Date | string | null }> };
  const holder = result.rows[0];
  if (!holder) return null;
  const since = holder.since ? new Date(holder.since).toISOString() : null;
  return `${holder.name || `server pid ${holder.pid}`}${since ? `, since ${since}` : ''}`;
}
