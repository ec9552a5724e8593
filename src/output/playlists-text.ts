import type { PlaylistsReport, PlaylistSummary } from '../browse/playlists-summary.js';
import { formatLength, localDate, n, playlistName, plural } from './browse-labels.js';
import { GAP, layoutColumns, plainLine, tableRow, widthOf, type ColumnSpec, type Terminal } from './cells.js';

/**
 * `ytsync playlists` for people: a table on a terminal, with a total row (of the live lists)
 * and the lists YouTube no longer has after them; without a terminal one tab-separated line per list —
 * title, items, length, unavailable, removed, last change (date), id, and "removed DATE" for
 * a list that is gone.
 */

// The id is what `ytsync show` takes: never cut (YouTube's are 34 characters).
const SPECS: ColumnSpec[] = [
  { header: 'Playlist', min: 12, max: 60 },
  { header: 'Items', min: 5, max: 7, align: 'right' },
  { header: 'Length', min: 6, max: 10, align: 'right' },
  { header: 'Unavail.', min: 8, max: 8, align: 'right' },
  { header: 'Removed', min: 7, max: 7, align: 'right' },
  { header: 'Changed', min: 10, max: 10 },
  { header: 'Id', min: 2, max: 40 },
];

const cellsOf = (p: PlaylistSummary) => [
  playlistName(p),
  n(p.items),
  formatLength(p.durationSeconds),
  n(p.unavailableItems),
  n(p.removedItems),
  localDate(p.lastChangeAt),
  p.playlistId,
];

export function formatPlaylists(report: PlaylistsReport, terminal: Terminal): string {
  const all = [...report.playlists, ...report.removedPlaylists];
  if (!terminal.tty) {
    return all.map((p) => plainLine([...cellsOf(p), p.removedAt === null ? '' : `removed ${localDate(p.removedAt)}`])).join('\n');
  }
  const contentWidths = SPECS.map((_, i) => Math.max(0, ...all.map((p) => widthOf(cellsOf(p)[i]!))));
  // The id is never cut; where it leaves the titles no room, it is left out (--json has it).
  const idWidth = contentWidths[SPECS.length - 1]!;
  const fixed = SPECS.slice(1).reduce((n, s, i) => n + Math.min(s.max, Math.max(s.min, widthOf(s.header), contentWidths[i + 1]!)), 0);
  const specs = fixed + SPECS[0]!.min + GAP * (SPECS.length - 1) <= terminal.columns ? SPECS.map((s) => (s.header === 'Id' ? { ...s, min: idWidth } : s)) : SPECS.slice(0, -1);
  const widths = layoutColumns(specs, contentWidths, terminal.columns);
  const row = (cells: string[]) => tableRow(cells.slice(0, specs.length), specs, widths, false);
  const t = report.totals;
  const out = [row(specs.map((s) => s.header)), ...report.playlists.map((p) => row(cellsOf(p)))];
  out.push(row([`All ${plural(t.playlists, 'list')}`, n(t.items), formatLength(t.durationSeconds), n(t.unavailableItems), n(t.removedItems), '', '']));
  if (report.removedPlaylists.length > 0) {
    // Their last change is when they went.
    out.push('', 'Gone from YouTube, kept in the database:');
    for (const p of report.removedPlaylists) out.push(row(cellsOf(p)));
  }
  return out.join('\n');
}
