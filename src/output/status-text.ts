import type { CostEstimate } from '../status/estimate.js';
import type { StatusReport } from '../status/gather.js';
import type { RunInfo, UnfinishedRun } from '../status/queries.js';
import { describeQuotaReset, formatDuration, formatLocalTime } from './time.js';

const n = (value: number) => value.toLocaleString('en-US');
const plural = (count: number, word: string) => `${n(count)} ${word}${count === 1 ? '' : 's'}`;
/** At most this many partly read playlists are named; the JSON document has them all. */
const NAMED_PLAYLISTS = 8;

/** `ytsync status` for people. Times are local (TZ), with the zone named. */
export function formatStatus(report: StatusReport, now: Date = new Date(), timeZone?: string): string {
  const when = (iso: string) => formatLocalTime(new Date(iso), timeZone);
  const lines: string[] = [];
  const label = (name: string, text: string) => lines.push(`${`${name}:`.padEnd(11)}${text}`);

  const who = report.account ? `${report.account.title ?? '(untitled)'} (${report.account.channelId})` : null;
  if (report.loggedIn) label('Account', who ?? 'logged in (channel not known yet: run `ytsync pull`)');
  else label('Account', who ? `${who}; not logged in (run \`ytsync login\` to pull again)` : 'not logged in (run `ytsync login`)');

  const db = report.database;
  label('Database', `${db.kind === 'embedded' ? "ytsync's private PostgreSQL server" : 'PostgreSQL'} at ${db.location}${db.exists ? '' : ' (not created yet)'}`);
  if (db.psql) lines.push(`${' '.repeat(11)}SQL: ${db.psql}  (the server runs while a ytsync command does; see README)`);

  if (report.busy) label('Busy', `${report.busy.holder} is pulling now`);

  if (report.counts) {
    const c = report.counts;
    label('Mirror', `${plural(c.playlists, 'playlist')}, ${plural(c.items, 'item')}, ${plural(c.videos, 'video')} (${n(c.unavailableVideos)} unavailable, ${n(c.removedItems)} removed items), ${plural(c.subscriptions, 'subscription')}`);
  }

  const q = report.quota;
  const resets = describeQuotaReset(new Date(q.resetsAt), now, timeZone);
  if (q.usedToday === null) label('Quota', `daily limit ${n(q.dailyLimit)} units; the day resets ${resets}`);
  else if (q.usedToday >= q.dailyLimit) label('Quota', `spent: ${n(q.usedToday)} of ${n(q.dailyLimit)} units used today; resets ${resets}`);
  else label('Quota', `${n(q.usedToday)} of ${n(q.dailyLimit)} units used today; resets ${resets}`);

  if (report.counts !== null) {
    if (report.lastRun) label('Last run', describeRun(report.lastRun, when));
    else label('Last run', 'none yet: run `ytsync pull`');
    if (report.nextPullEstimate) label('Next pull', describeEstimate(report.nextPullEstimate, q.usedToday, q.dailyLimit));
  }

  if (report.unfinishedRun) lines.push('', ...describeUnfinished(report.unfinishedRun, when, !!report.busy));

  const older = report.lastRuns.slice(report.unfinishedRun || report.lastRun ? 1 : 0);
  if (older.length > 0) {
    lines.push('', 'Earlier runs:');
    for (const run of older) lines.push(`  ${describeRun(run, when)}`);
  }
  for (const warning of report.warnings) lines.push('', `warning: ${warning}`);
  return lines.join('\n');
}

function describeRun(run: RunInfo, when: (iso: string) => string): string {
  const took = run.finishedAt ? `, took ${formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt))}` : '';
  const state = run.finishedAt ? 'complete' : `unfinished (last invocation: ${run.outcome})`;
  return `#${run.id} ${state}: started ${when(run.startedAt)}${took}; ${plural(run.unitsSpent, 'unit')}, ${plural(run.invocations, 'invocation')}`;
}

export function describeEstimate(estimate: CostEstimate, usedToday: number | null, dailyLimit: number): string {
  const basis = {
    'resume-points': 'to finish the unfinished run, from its resume points',
    'previous-run': 'as the last complete run',
    'item-counts': "from the playlists' item counts",
  }[estimate.basis];
  let text = `about ${plural(estimate.units, 'unit')} (${basis})`;
  if (usedToday !== null) {
    const left = Math.max(0, dailyLimit - usedToday);
    if (estimate.units > left) text += `; more than the ${n(left)} left today, so it will stop on quota and continue after the reset`;
  }
  return text;
}

function describeUnfinished(run: UnfinishedRun, when: (iso: string) => string, busy: boolean): string[] {
  const lines = [
    `Unfinished run #${run.id}: started ${when(run.startedAt)}, ${plural(run.invocations, 'invocation')}, ${plural(run.unitsSpent, 'unit')} so far; last invocation: ${run.outcome === 'running' && !busy ? 'ended without recording an outcome (killed?)' : run.outcome}`,
  ];
  const { playlists, subscriptions, items, videos } = run.passes;
  const pass = (name: string, text: string) => lines.push(`  ${`${name}:`.padEnd(15)}${text}`);
  const list = (point: typeof playlists) =>
    point === null ? 'not started' : point.done ? 'done' : `${n(point.itemsFetched)}${point.totalResults === null ? '' : ` of ${n(point.totalResults)}`} read`;
  pass('playlists', list(playlists));
  pass('subscriptions', list(subscriptions));
  if (items === null) pass('items', 'not started');
  else {
    const partly = items.pending.filter((p) => p.started);
    const untouched = items.pending.length - partly.length;
    pass('items', `${n(items.done)} of ${plural(items.playlists, 'playlist')} read${partly.length ? `, ${n(partly.length)} partly` : ''}${untouched ? `, ${n(untouched)} not started` : ''}`);
    for (const p of partly.slice(0, NAMED_PLAYLISTS)) {
      const size = p.totalResults ?? p.itemCount;
      const name = p.kind === 'likes' ? 'Liked videos' : (p.title ?? '(untitled)');
      lines.push(`${' '.repeat(17)}${name} (${p.playlistId}): ${n(p.itemsFetched)}${size === null ? '' : ` of ${n(size)}`} items`);
    }
    if (partly.length > NAMED_PLAYLISTS) lines.push(`${' '.repeat(17)}… and ${n(partly.length - NAMED_PLAYLISTS)} more (see --json)`);
  }
  pass('videos', videos === null ? 'not started' : videos.done ? 'done' : `${n(videos.fetched)}${videos.total === null ? '' : ` of ${n(videos.total)}`} checked`);
  lines.push(busy ? '  A pull is working on it now.' : '  The next `ytsync pull` continues from these resume points, spending nothing on pages already stored.');
  return lines;
}
