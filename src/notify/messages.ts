import type { ChangesReport } from '../history/changes-report.js';
import { DEPARTURE_LABELS } from '../history/classify.js';
import { SUBSCRIPTION_LOST_LABEL } from '../output/changes-text.js';
import type { NotifyFormat } from './destination.js';
import type { Message } from './send.js';

/** Lines of an ntfy message: a phone shows the first few; `ytsync changes` has the rest. */
const NTFY_LINES = 12;
/** ntfy turns a message above 4,096 bytes into an attachment: stay well below. */
const NTFY_BYTES = 3_500;

const n = (value: number) => value.toLocaleString('en-US');
const plural = (count: number, one: string, many = `${one}s`) => `${n(count)} ${count === 1 ? one : many}`;

/** The message for a destination's format: ntfy's short text with a title, or the whole `changes --json` document. */
export function messageFor(format: NotifyFormat, report: ChangesReport): Message {
  if (format === 'json') return { body: JSON.stringify(report), contentType: 'application/json' };
  return {
    body: ntfyBody(report),
    contentType: 'text/plain; charset=utf-8',
    // Header values must be ASCII: the title is built from numbers and fixed words only.
    headers: { Title: ntfyTitle(report), Tags: 'warning' },
  };
}

/** "ytsync: 3 left your playlists, 1 subscription lost" */
export function ntfyTitle(report: ChangesReport): string {
  const { totals } = report;
  const left = Object.values(totals.departed).reduce((a, b) => a + b, 0);
  const parts = [
    left > 0 && `${plural(left, 'video')} left your playlists`,
    totals.playlistsRemoved > 0 && `${plural(totals.playlistsRemoved, 'playlist')} removed`,
    totals.subscriptionsLost > 0 && `${plural(totals.subscriptionsLost, 'subscription')} lost`,
  ].filter((p): p is string => typeof p === 'string');
  return `ytsync: ${parts.join(', ') || 'changes'}`;
}

/** One line per departure, the videos out of reach first; then what else happened, in one line. */
export function ntfyBody(report: ChangesReport): string {
  const lost: string[] = [];
  const other: string[] = [];
  for (const playlist of report.playlists) {
    const from = playlist.kind === 'likes' ? 'Liked videos' : `"${playlist.title ?? playlist.playlistId}"`;
    for (const d of playlist.departed) {
      const what = `"${d.title ?? d.videoId}" — ${d.channelTitle ?? 'unknown channel'}`;
      if (d.recovery) lost.push(`✗ ${what}: ${DEPARTURE_LABELS[d.reason]} (in ${from})`);
      else other.push(`- ${what}: ${d.reason === 'moved' ? `moved to "${d.movedTo?.title ?? d.movedTo?.playlistId}"` : DEPARTURE_LABELS[d.reason]} (in ${from})`);
    }
  }
  const playlists = report.playlistsRemoved.map((p) => `✗ playlist "${p.title ?? p.playlistId}" removed (${plural(p.items, 'item')} kept in the mirror)`);
  const subscriptions = report.subscriptionsLost.map((s) => `✗ subscription "${s.title ?? s.channelId}": ${SUBSCRIPTION_LOST_LABEL}`);
  const all = [...lost, ...playlists, ...subscriptions, ...other];

  const lines: string[] = [];
  let bytes = 0;
  for (const line of all) {
    const size = Buffer.byteLength(line) + 1;
    if (lines.length === NTFY_LINES || bytes + size > NTFY_BYTES) break;
    lines.push(line);
    bytes += size;
  }
  if (lines.length < all.length) lines.push(`… and ${n(all.length - lines.length)} more.`);
  const also = [
    report.totals.added > 0 && `${n(report.totals.added)} added`,
    report.totals.renamed > 0 && `${plural(report.totals.renamed, 'video')} renamed`,
    report.totals.playlistsCreated > 0 && `${plural(report.totals.playlistsCreated, 'playlist')} created`,
    report.totals.subscriptionsGained > 0 && `${plural(report.totals.subscriptionsGained, 'subscription')} gained`,
  ].filter((p): p is string => typeof p === 'string');
  if (also.length > 0) lines.push(`Also: ${also.join(', ')}.`);
  lines.push('Details and where to look for lost videos: ytsync changes');
  return lines.join('\n');
}
