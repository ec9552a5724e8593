import stringWidth from 'string-width';
import type { Env } from '../config.js';
import type { OutputStream } from '../context.js';

/**
 * Text for the browsing commands' tables: what the terminal is, how wide a string shows
 * (CJK and emoji take two columns), columns fitted to the width, cells cut with "…".
 */

export interface Terminal {
  /** Aligned, fitted columns; else plain tab-separated lines for pipes and cron. */
  tty: boolean;
  /** Matched words in bold: a terminal that takes escape codes, and no NO_COLOR. */
  marks: boolean;
  columns: number;
}

export function terminalOf(stream: OutputStream, env: Env): Terminal {
  const reported = (stream as { columns?: number }).columns;
  const tty = stream.isTTY === true && env.TERM !== 'dumb' && reported !== 0;
  const columns = reported || Number(env.COLUMNS) || 80;
  return { tty, marks: tty && !env.NO_COLOR, columns: Math.max(40, columns) };
}

/**
 * Titles are other people's text: a control character (an escape sequence, a tab, a line
 * break) or a bidirectional override in one must not reach the terminal or split a line.
 */
export function clean(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/gu, ' ').replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '');
}

export const widthOf = (text: string): number => stringWidth(text);

/** A piece of a cell, `marked` when it is a matched word. */
export interface Segment {
  text: string;
  marked?: boolean;
}

const BOLD = '\u001b[1m';
const NORMAL = '\u001b[22m';
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The segments in exactly `width` columns: cut with "…" when longer, padded when shorter. */
export function fitCell(segments: Segment[] | string, width: number, options: { align?: 'left' | 'right'; marks?: boolean } = {}): string {
  const parts = typeof segments === 'string' ? [{ text: segments }] : segments;
  const total = parts.reduce((n, s) => n + widthOf(clean(s.text)), 0);
  const room = total > width ? width - 1 : width;
  let used = 0;
  let out = '';
  outer: for (const part of parts) {
    let text = '';
    for (const { segment } of graphemes.segment(clean(part.text))) {
      const w = widthOf(segment);
      if (used + w > room) {
        out += paint(text, part.marked && options.marks);
        break outer;
      }
      text += segment;
      used += w;
    }
    out += paint(text, part.marked && options.marks);
  }
  if (total > width && width > 0) {
    out += '…';
    used++;
  }
  const padding = ' '.repeat(Math.max(0, width - used));
  return options.align === 'right' ? padding + out : out + padding;
}

const paint = (text: string, marked: boolean | undefined) => (marked && text ? `${BOLD}${text}${NORMAL}` : text);

export interface ColumnSpec {
  header: string;
  min: number;
  max: number;
  align?: 'left' | 'right';
}

export const GAP = 2;

/**
 * Widths for the columns: each as wide as its widest cell (within min and max); when that
 * does not fit the terminal, the widest columns give way first, down to their minimum.
 */
export function layoutColumns(specs: ColumnSpec[], contentWidths: number[], total: number): number[] {
  const widths = specs.map((spec, i) => Math.min(spec.max, Math.max(spec.min, widthOf(spec.header), contentWidths[i] ?? 0)));
  let over = widths.reduce((a, b) => a + b, 0) + GAP * (specs.length - 1) - total;
  while (over > 0) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if (widths[i]! > specs[i]!.min && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest < 0) break;
    widths[widest]!--;
    over--;
  }
  return widths;
}

/** One table row: cells fitted to their widths, joined by the gap, no trailing spaces. */
export function tableRow(cells: Array<Segment[] | string>, specs: ColumnSpec[], widths: number[], marks: boolean): string {
  return cells
    .map((cell, i) => fitCell(cell, widths[i]!, { align: specs[i]!.align, marks }))
    .join(' '.repeat(GAP))
    .trimEnd();
}

/** A plain line: tab-separated fields, each cleaned of tabs and line breaks. */
export function plainLine(fields: Array<string | null>): string {
  return fields.map((f) => clean(f ?? '')).join('\t');
}
