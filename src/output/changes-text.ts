import { DEPARTURE_LABELS, type DepartureReason } from '../history/classify.js';
import type { AddedItem, ChangesReport, DepartedItem } from '../history/changes-report.js';

/** No stronger claim: the API does not say whether you unsubscribed or the channel went away. */
export const SUBSCRIPTION_LOST_LABEL = 'unsubscribed or the channel is gone';
import { formatLocalTime } from './time.js';

/** Items listed for a playlist that is itself new: the first few say enough, the JSON has all. */
const NEW_PLAYLIST_PREVIEW = 10;

const n = (value: number) => value.toLocaleString('en-US');
const plural = (count: number, one: string, many = `${one}s`) => `${n(count)} ${count === 1 ? one : many}`;

function video(item: { title: string | null; channelTitle: string | null; videoId: string }): string {
  const title = item.title === null ? `(title never seen)` : `"${item.title}"`;
  return `${title} — ${item.channelTitle ?? 'unknown channel'} [${item.videoId}]`;
}

const playlistName = (p: { title: string | null; playlistId: string }) => `"${p.title ?? '(untitled)'}" (${p.playlistId})`;

function addedLine(item: AddedItem): string {
  return item.movedFrom ? `  ← moved here from "${item.movedFrom.title ?? item.movedFrom.playlistId}": ${video(item)}` : `  + added: ${video(item)}`;
}

function departedLines(item: DepartedItem): string[] {
  if (item.reason === 'moved') return [`  → moved to "${item.movedTo?.title ?? item.movedTo?.playlistId}": ${video(item)}`];
  const mark = item.reason === 'removed' ? '-' : '✗';
  const line = `  ${mark} ${DEPARTURE_LABELS[item.reason]}: ${video(item)}`;
  // Where a person can still look for a video YouTube no longer shows.
  return item.recovery ? [line, `      look for it: ${item.recovery.wayback}  ${item.recovery.filmot}`] : [line];
}

/** "Lofi Girl" (UCSJ4gkVC6NrvII8umztf0Ow) */
const channelName = (s: { title: string | null; channelId: string }) => `"${s.title ?? '(untitled)'}" (${s.channelId})`;
const day = (iso: string | null) => (iso === null ? null : iso.slice(0, 10));

function windowLine(report: ChangesReport): string {
  const { window } = report;
  const runs = window.runs.map((r) => `#${r.id}`).join(', ');
  const seenBy = runs ? `, seen by run${window.runs.length === 1 ? '' : 's'} ${runs}` : '';
  if (window.basis === 'report') {
    const pulls = window.runs.length === 1 ? `pull #${window.runs[0]!.id}` : `pulls ${runs}`;
    const since = window.from === null ? 'since the mirror began' : `since ${formatLocalTime(new Date(window.from))}`;
    return `What ytsync ${pulls} saw leave or change (${since}):`;
  }
  if (window.from === null) return `Changes since the mirror began${seenBy}:`;
  const what =
    window.basis === 'since' ? '' : window.basis === 'runs' ? ` (before the last ${plural(window.runs.length, 'complete pull')})` : ' (the end of the previous complete pull)';
  return `Changes since ${formatLocalTime(new Date(window.from))}${what}${seenBy}:`;
}

export function formatChangesReport(report: ChangesReport): string {
  const out: string[] = [windowLine(report), ''];
  const created = new Set(report.playlistsCreated.map((p) => p.playlistId));
  for (const playlist of report.playlists) {
    out.push(playlistName(playlist) + (created.has(playlist.playlistId) ? ' — new playlist' : ''));
    for (const item of playlist.departed) out.push(...departedLines(item));
    const added = created.has(playlist.playlistId) ? playlist.added.slice(0, NEW_PLAYLIST_PREVIEW) : playlist.added;
    for (const item of added) out.push(addedLine(item));
    if (added.length < playlist.added.length) out.push(`  … and ${n(playlist.added.length - added.length)} more (--json lists all)`);
    out.push('');
  }
  if (report.playlistsCreated.length > 0) {
    out.push('Playlists created:');
    for (const p of report.playlistsCreated) out.push(`  + ${playlistName(p)}, ${plural(p.items, 'item')}`);
    out.push('');
  }
  if (report.playlistsRemoved.length > 0) {
    out.push('Playlists removed:');
    for (const p of report.playlistsRemoved) out.push(`  - ${playlistName(p)}, ${plural(p.items, 'item')} (kept in the database)`);
    out.push('');
  }
  if (report.renamed.length > 0) {
    out.push('Renamed videos:');
    for (const r of report.renamed) out.push(`  "${r.oldTitle}" → "${r.newTitle}" — ${r.channelTitle ?? 'unknown channel'} [${r.videoId}]`);
    out.push('');
  }
  if (report.subscriptionsGained.length > 0) {
    out.push('Subscriptions gained:');
    for (const s of report.subscriptionsGained) out.push(`  + ${channelName(s)}`);
    out.push('');
  }
  if (report.subscriptionsLost.length > 0) {
    out.push('Subscriptions lost:');
    for (const s of report.subscriptionsLost) {
      const since = day(s.subscribedAt);
      out.push(`  ✗ ${SUBSCRIPTION_LOST_LABEL}: ${channelName(s)}${since ? `, subscribed since ${since}` : ''}`);
    }
    out.push('');
  }
  out.push(totalsLine(report));
  return out.join('\n');
}

function totalsLine({ totals }: ChangesReport): string {
  const left = Object.values(totals.departed).reduce((a, b) => a + b, 0);
  const subscriptions = totals.subscriptionsGained + totals.subscriptionsLost;
  if (totals.added + left + totals.playlistsCreated + totals.playlistsRemoved + totals.renamed + subscriptions === 0) return 'No changes.';
  const reasons = (Object.entries(totals.departed) as Array<[DepartureReason, number]>)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${n(count)} ${DEPARTURE_LABELS[reason]}`);
  return [
    `${n(totals.added)} added`,
    `${n(left)} left${reasons.length ? ` (${reasons.join(', ')})` : ''}`,
    `${plural(totals.playlistsCreated, 'playlist')} created`,
    `${n(totals.playlistsRemoved)} removed`,
    `${plural(totals.renamed, 'video')} renamed`,
    ...(subscriptions > 0
      ? [`${plural(totals.subscriptionsGained, 'subscription')} gained`, `${n(totals.subscriptionsLost)} lost${totals.subscriptionsLost ? ` (${SUBSCRIPTION_LOST_LABEL})` : ''}`]
      : []),
  ].join(', ') + '.';
}
