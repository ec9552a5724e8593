import { UsageError } from '../errors.js';

/**
 * The span of time `ytsync changes` reports on: changes first seen after `from` (exclusive) up
 * to `to` (inclusive). Every change ytsync records is stamped during a pull, so a window that
 * starts where a complete run finished holds exactly what the later runs found.
 */
export interface ChangeWindow {
  /** null: since the mirror began. */
  from: Date | null;
  to: Date;
  /** 'report': what the runs listed saw, for the report a pull delivers (history/run-window.ts). */
  basis: 'previous-complete-run' | 'runs' | 'since' | 'report';
  /** The complete runs the window covers, oldest first. */
  runs: RunSpan[];
}

export interface RunSpan {
  id: number;
  startedAt: Date;
  finishedAt: Date | null;
}

export type WindowRequest = { since: Date } | { runs: number } | Record<string, never>;

/**
 * `completeRuns` newest first. `--runs N` covers the last N complete runs: it starts where the
 * run before them finished (or at the beginning). The default is `--runs 1`: what the last
 * complete pull changed, i.e. everything since the complete run before it.
 */
export function resolveWindow(request: WindowRequest, completeRuns: RunSpan[], now: Date): ChangeWindow {
  if ('since' in request) {
    const runs = completeRuns.filter((r) => r.finishedAt !== null && r.finishedAt > request.since).reverse();
    return { from: request.since, to: now, basis: 'since', runs };
  }
  const n = 'runs' in request ? request.runs : 1;
  const covered = completeRuns.slice(0, n).reverse();
  const before = completeRuns[n];
  return { from: before?.finishedAt ?? null, to: now, basis: 'runs' in request ? 'runs' : 'previous-complete-run', runs: covered };
}

/**
 * `--since` accepts an ISO date or date-time. A bare date means local midnight (what a person
 * typing "2025-06-01" means), not UTC midnight as `new Date("2025-06-01")` would read it.
 */
export function parseSince(raw: string): Date {
  const text = raw.trim();
  const ymd = /^(\d{4})-(\d{2})-(\d{2})([T ]\d{2}:\d{2}.*)?$/.exec(text);
  const [year, month, day] = ymd ? [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])] : [0, 0, 0];
  const parsed = !ymd ? new Date(Number.NaN) : ymd[4] ? new Date(text) : new Date(year, month - 1, day);
  // Date rolls 2025-13-45 over into 2026; a typo must not silently become another date.
  const calendarOk = ymd !== null && month >= 1 && month <= 12 && day >= 1 && day <= new Date(year, month, 0).getDate();
  if (!calendarOk || Number.isNaN(parsed.getTime())) {
    throw new UsageError(`--since must be a date (2025-06-01) or a date and time (2025-06-01T18:30, 2025-06-01T18:30:00Z); got "${raw}".`);
  }
  return parsed;
}
