import type { Availability } from '../export/library-stream.js';

/** Words and numbers the browsing commands show a person (the JSON keeps the raw values). */

/** "4:13", "1:02:03", "312:00:00" (a playlist's total); "" when YouTube gave no length (an upcoming premiere). */
export function formatLength(seconds: number | null): string {
  if (seconds === null) return '';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

const dateFormat = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });

/** YYYY-MM-DD in the machine's time zone, as YouTube shows dates to its viewer. */
export function localDate(iso: string | null): string {
  return iso === null ? '' : dateFormat.format(new Date(iso));
}

/** YYYY-MM-DD HH:MM, local. */
export function localDateTime(iso: string): string {
  const d = new Date(iso);
  return `${dateFormat.format(d)} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** What became of a video: "" while it can be watched. */
export function unavailabilityLabel(availability: Availability, since: string | null): string {
  switch (availability) {
    case 'available':
      return '';
    case 'deleted':
      return `deleted ${localDate(since)}`.trim();
    case 'private':
      return `private since ${localDate(since)}`.trim();
    default:
      return `unavailable since ${localDate(since)}`.trim();
  }
}

export const playlistName = (p: { title: string | null; playlistId: string }) => p.title ?? p.playlistId;

export const n = (value: number) => value.toLocaleString('en-US');
export const plural = (count: number, one: string, many = `${one}s`) => `${n(count)} ${count === 1 ? one : many}`;
