import { parseQuery } from '../browse/query-terms.js';
import type { SearchHit, SearchReport } from '../browse/search.js';
import { formatLength, localDate, n, playlistName, unavailabilityLabel } from './browse-labels.js';
import { fitCell, layoutColumns, plainLine, tableRow, widthOf, type ColumnSpec, type Segment, type Terminal } from './cells.js';
import { markMatches } from './highlight.js';

/**
 * `ytsync search` for people. On a terminal: one aligned row per hit (matched words in bold),
 * and under it the lists it is or was in and its URL. Without one: one tab-separated line per
 * hit — title, channel, length, published, status, lists, URL — for grep, cut and cron.
 */

/** What became of the video, and whether it left your lists: "deleted 2026-03-02", "removed from X". */
export function hitStatus(hit: SearchHit): string {
  const parts = [unavailabilityLabel(hit.availability, hit.unavailableSince)].filter(Boolean);
  const gone = (p: SearchHit['playlists'][number]) => p.removedAt !== null || p.playlistRemovedAt !== null;
  if (hit.playlists.length > 0 && hit.playlists.every(gone)) {
    const first = hit.playlists[0]!;
    const more = hit.playlists.length - 1;
    parts.push(`removed from ${playlistName(first)}${more > 0 ? ` and ${more} more` : ''}`);
  }
  return parts.join(', ');
}

/** "Synthwave, Liked videos; left: Old mix (2026-03-01)". */
export function hitLists(hit: SearchHit): string {
  const live = hit.playlists.filter((p) => p.removedAt === null && p.playlistRemovedAt === null).map(playlistName);
  const left = hit.playlists
    .filter((p) => p.removedAt !== null || p.playlistRemovedAt !== null)
    .map((p) => `${playlistName(p)} (${p.removedAt === null ? 'list deleted' : 'removed'} ${localDate(p.removedAt ?? p.playlistRemovedAt)})`);
  return [live.length > 0 ? `in ${live.join(', ')}` : '', left.length > 0 ? `left ${left.join(', ')}` : ''].filter(Boolean).join('; ');
}

const SPECS: ColumnSpec[] = [
  { header: 'Title', min: 16, max: 80 },
  { header: 'Channel', min: 8, max: 28 },
  { header: 'Length', min: 6, max: 9, align: 'right' },
  { header: 'Published', min: 10, max: 10 },
  { header: 'Status', min: 7, max: 40 },
];

export function formatSearch(report: SearchReport, terminal: Terminal): string {
  if (!terminal.tty) {
    return report.hits
      .map((hit) =>
        plainLine([hit.title, hit.channelTitle, formatLength(hit.durationSeconds), localDate(hit.publishedAt), hitStatus(hit) || 'available', hitLists(hit), hit.url]),
      )
      .join('\n');
  }
  const terms = parseQuery(report.query);
  const cells = report.hits.map((hit) => [
    markMatches(hit.title ?? '(title never seen)', terms),
    hit.channelTitle ?? '',
    formatLength(hit.durationSeconds),
    localDate(hit.publishedAt),
    hitStatus(hit),
  ]);
  const textOf = (cell: Segment[] | string) => (typeof cell === 'string' ? cell : cell.map((s) => s.text).join(''));
  const contentWidths = SPECS.map((_, i) => Math.max(0, ...cells.map((row) => widthOf(textOf(row[i]!)))));
  const widths = layoutColumns(SPECS, contentWidths, terminal.columns);
  const out = [tableRow(SPECS.map((s) => s.header), SPECS, widths, false)];
  report.hits.forEach((hit, i) => {
    out.push(tableRow(cells[i]!, SPECS, widths, terminal.marks));
    const details: Array<Segment[] | string> = [];
    // An old title is why a renamed video was found: shown, with what matched in it.
    if (hit.formerTitles.length > 0) details.push(markMatches(`formerly "${hit.formerTitles.join('", "')}"`, terms));
    details.push(hitLists(hit), hit.url);
    for (const detail of details) {
      if (textOf(detail)) out.push(`  ${fitCell(detail, terminal.columns - 2, { marks: terminal.marks })}`.trimEnd());
    }
  });
  return out.join('\n');
}

/** The line after the hits (stderr): how many there were, or that none were. */
export function searchSummary(report: SearchReport): string {
  if (report.total === 0) return `no video in the mirror matches ${report.query}.`;
  const what = report.closeMatches ? `nothing matches ${report.query} exactly; ${n(report.total)} close match${report.total === 1 ? '' : 'es'}` : `${n(report.total)} hit${report.total === 1 ? '' : 's'}`;
  return report.hits.length < report.total ? `${what}, the first ${n(report.hits.length)} shown (--limit ${report.total} shows all).` : `${what}.`;
}
