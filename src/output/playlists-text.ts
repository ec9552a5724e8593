import type { PlaylistsReport, PlaylistSummary } from '../browse/playlists-summary.js';
import { formatLength, localDate, localDateTime, n, playlistName, plural } from './browse-labels.js';
import { layoutColumns, plainLine, tableRow, widthOf, type ColumnSpec, type Terminal } from './cells.js';

/**
 * `ytsync playlists` for people: a table on a terminal, with the totals under it and the lists
 * YouTube no longer has after them; without a terminal one tab-separated line per list —
 * title, items, length, unavailable, removed, last change, id, and "removed DATE" for a list
 * that is gone.
 */

const SPECS: ColumnSpec[] = [
  { header: 'Playlist', min: 12, max: 60 },
  { header: 'Items', min: 5, max: 7, align: 'right' },
  { header: 'Length', min: 6, max: 10, align: 'right' },
  { header: 'Unavailable', min: 5, max: 11, align: 'right' },
  { header: 'Removed', min: 5, max: 7, align: 'right' },
  { header: 'Last change', min: 10, max: 16 },
  { header: 'Id', min: 8, max: 36 },
];

const cellsOf = (p: PlaylistSummary) => [
  playlistName(p),
  n(p.items),
  formatLength(p.durationSeconds),
  n(p.unavailableItems),
  n(p.removedItems),
  localDateTime(p.lastChangeAt),
  p.playlistId,
];

export function formatPlaylists(report: PlaylistsReport, terminal: Terminal): string {
  const all = [...report.playlists, ...report.removedPlaylists];
  if (!terminal.tty) {
    return all.map((p) => plainLine([...cellsOf(p), p.removedAt === null ? '' : `removed ${localDate(p.removedAt)}`])).join('\n');
  }
  const rows = all.map(cellsOf);
  const widths = layoutColumns(SPECS, SPECS.map((_, i) => Math.max(0, ...rows.map((r) => widthOf(r[i]!)))), terminal.columns);
  const row = (cells: string[]) => tableRow(cells, SPECS, widths, false);
  const t = report.totals;
  const out = [row(SPECS.map((s) => s.header)), ...report.playlists.map((p) => row(cellsOf(p)))];
  out.push(
    '',
    `${plural(t.playlists, 'list')}${report.playlists.some((p) => p.kind === 'likes') ? ' (the Liked list included)' : ''}: ${plural(t.items, 'item')}, ${formatLength(t.durationSeconds)} to watch, ` +
      `${n(t.unavailableItems)} unavailable, ${n(t.removedItems)} removed.`,
  );
  if (report.removedPlaylists.length > 0) {
    out.push('', 'Gone from YouTube (kept in the database; `ytsync show ID --all` lists what they held):');
    for (const p of report.removedPlaylists) out.push(`${row(cellsOf(p))}  removed ${localDate(p.removedAt)}`);
  }
  return out.join('\n');
}
