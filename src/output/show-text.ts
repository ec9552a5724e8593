import type { ShownItem, ShownPlaylist } from '../browse/playlist-items.js';
import { formatLength, localDate, n, playlistName, plural, unavailabilityLabel } from './browse-labels.js';
import { fitCell, layoutColumns, plainLine, tableRow, type ColumnSpec, type Terminal } from './cells.js';

/**
 * `ytsync show` for people, one item at a time (the items stream). On a terminal: a heading,
 * then aligned rows — #, title, channel, length, added, status; the columns are fitted to the
 * terminal, not to the items, which are not all read yet. Without a terminal: one
 * tab-separated line per item — #, title, channel, length, added, status, URL.
 */

const SPECS: ColumnSpec[] = [
  { header: '#', min: 1, max: 6, align: 'right' },
  { header: 'Title', min: 16, max: 90 },
  { header: 'Channel', min: 8, max: 20 },
  { header: 'Length', min: 6, max: 8, align: 'right' },
  { header: 'Added', min: 10, max: 10 },
  { header: 'Status', min: 7, max: 28 },
];

export function itemStatus(item: ShownItem): string {
  const removed = item.removedAt === null ? '' : `removed ${localDate(item.removedAt)}`;
  return [removed, unavailabilityLabel(item.availability, item.unavailableSince)].filter(Boolean).join(', ');
}

/** How `show` writes: what comes first, each item as read, what closes it (each exactly as printed). */
export interface ShowWriter {
  heading(): string;
  item(item: ShownItem): string;
  end(): string;
}

export function showWriter(playlist: ShownPlaylist, terminal: Terminal, withRemoved: boolean): ShowWriter {
  // A removed item has no number: the list's numbers are those of the items in it now.
  const number = (item: ShownItem) => (item.removedAt !== null || item.position === null ? '–' : String(item.position + 1));
  const cells = (item: ShownItem) => [
    number(item),
    item.title ?? '(title never seen)',
    item.channelTitle ?? '',
    formatLength(item.durationSeconds),
    localDate(item.addedAt),
    itemStatus(item),
  ];
  if (!terminal.tty) {
    return { heading: () => '', item: (item) => `${plainLine([...cells(item).slice(0, 5), itemStatus(item) || 'available', item.url])}\n`, end: () => '' };
  }
  const most = String(playlist.items + (withRemoved ? playlist.removedItems : 0)).length;
  // Widths for what may come (the items are not read yet): "private since 2026-03-02" fits.
  const widths = layoutColumns(SPECS, [most, SPECS[1]!.max, SPECS[2]!.max, 8, 10, 24], terminal.columns);
  return {
    heading: () =>
      `${headingLines(playlist, withRemoved).map((line) => fitCell(line, terminal.columns).trimEnd()).join('\n')}\n\n` +
      `${tableRow(SPECS.map((s) => s.header), SPECS, widths, false)}\n`,
    item: (item) => `${tableRow(cells(item), SPECS, widths, false)}\n`,
    end: () => '',
  };
}

function headingLines(p: ShownPlaylist, withRemoved: boolean): string[] {
  const facts = [
    plural(p.items, 'item'),
    `${formatLength(p.durationSeconds)} to watch`,
    p.unavailableItems > 0 ? `${n(p.unavailableItems)} unavailable` : '',
    p.removedItems > 0 ? `${n(p.removedItems)} removed${withRemoved ? ' (shown where they were)' : ' (--all shows them)'}` : '',
    p.removedAt !== null ? `gone from YouTube since ${localDate(p.removedAt)}` : '',
  ].filter(Boolean);
  return [`"${playlistName(p)}" (${p.playlistId})`, facts.join(', ')];
}
