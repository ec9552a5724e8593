import type { ExportedItem, ExportedPlaylist } from './library-stream.js';
import type { ChunkedSink } from './sink.js';
import type { ExportHeader, ExportWriter } from './writer.js';

/**
 * One CSV file, one row per playlist item, with the playlist in the first columns: one file is
 * what a spreadsheet opens and filters, and what a script reads without globbing. Written for
 * spreadsheets: UTF-8 with a byte-order mark (without it Excel reads UTF-8 as a legacy code page
 * and mangles every non-ASCII title), CRLF line ends and RFC 4180 quoting; times in UTC as
 * "YYYY-MM-DD HH:MM:SS", which spreadsheets recognise as dates, durations as H:MM:SS.
 * Values are written verbatim (a backup must not alter titles), so a title starting with "="
 * stays a title only in programs that do not evaluate formulas from CSV.
 */
export const CSV_COLUMNS = [
  'playlist_id',
  'playlist_title',
  'playlist_kind',
  'position',
  'video_id',
  'title',
  'channel_title',
  'channel_id',
  'duration',
  'duration_seconds',
  'published_at_utc',
  'added_at_utc',
  'availability',
  'unavailable_since_utc',
  'removed_at_utc',
  'item_id',
  'url',
] as const;

export const BOM = '\uFEFF';

/** RFC 4180: quote when the field holds a quote, comma or line break (or edge spaces a reader might trim). */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvTime(d: Date | null): string | null {
  return d === null ? null : d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '');
}

/** 3723 → "1:02:03", 45 → "0:00:45"; days roll into hours (93600 → "26:00:00"). */
export function clockDuration(seconds: number | null): string | null {
  if (seconds === null) return null;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

export class CsvExportWriter implements ExportWriter {
  private current: ExportedPlaylist | undefined;
  /** Rows of one shape, one per playlist item: subscriptions are in the JSON export (README). */
  readonly takesSubscriptions = false;

  constructor(private readonly sink: ChunkedSink) {}

  async begin(_header: ExportHeader): Promise<void> {
    await this.sink.write(`${BOM}${CSV_COLUMNS.join(',')}\r\n`);
  }

  async playlist(playlist: ExportedPlaylist): Promise<void> {
    this.current = playlist;
  }

  async item(i: ExportedItem): Promise<void> {
    const p = this.current!;
    const row: Record<(typeof CSV_COLUMNS)[number], string | number | null> = {
      playlist_id: p.playlistId,
      playlist_title: p.title,
      playlist_kind: p.kind,
      position: i.position,
      video_id: i.videoId,
      title: i.title,
      channel_title: i.channelTitle,
      channel_id: i.channelId,
      duration: clockDuration(i.durationSeconds),
      duration_seconds: i.durationSeconds,
      published_at_utc: csvTime(i.publishedAt),
      added_at_utc: csvTime(i.addedAt),
      availability: i.availability,
      unavailable_since_utc: csvTime(i.unavailableSince),
      removed_at_utc: csvTime(i.removedAt),
      item_id: i.itemId,
      url: `https://www.youtube.com/watch?v=${i.videoId}`,
    };
    await this.sink.write(`${CSV_COLUMNS.map((c) => csvField(row[c])).join(',')}\r\n`);
  }

  async subscriptions(): Promise<void> {}

  async end(): Promise<void> {
    await this.sink.flush();
  }
}
