import type { QueryTerm } from '../browse/query-terms.js';
import type { Segment } from './cells.js';

/**
 * Which parts of a title a search matched, for marking them on a terminal. PostgreSQL decided
 * the match; this finds the same words again in the text as shown, folded the same way where
 * it matters to a reader (case, accents, full-width forms): a word at the start of a word, or
 * anywhere inside a run of Chinese/Japanese/Korean/Thai characters, which have no word starts.
 */

/** The letters unaccent folds that Unicode decomposition does not. */
const SPECIAL: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', þ: 'th', ı: 'i', ð: 'd' };
const SPACELESS = /[\u0e00-\u0e7f\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\u{20000}-\u{2fa1f}]/u;

function foldChar(ch: string): string {
  const lower = ch.toLowerCase();
  const special = SPECIAL[lower];
  if (special) return special;
  return lower.normalize('NFKD').replace(/[\u0300-\u036f]/gu, '').normalize('NFC').toLowerCase();
}

/** The folded text, and for each of its code units the span of the original it came from. */
function fold(text: string): { folded: string; from: number[]; to: number[] } {
  let folded = '';
  const from: number[] = [];
  const to: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = foldChar(ch);
    for (let k = 0; k < f.length; k++) {
      from.push(i);
      to.push(i + ch.length);
    }
    folded += f;
    i += ch.length;
  }
  return { folded, from, to };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/** The words of the wanted terms, folded, as patterns. */
function patterns(terms: QueryTerm[]): RegExp[] {
  const out: RegExp[] = [];
  for (const term of terms) {
    if (term.exclude) continue;
    for (const piece of fold(term.text).folded.split(/[^\p{L}\p{N}\p{M}]+/u)) {
      if (!piece) continue;
      out.push(SPACELESS.test(piece) ? new RegExp(escape(piece), 'gu') : new RegExp(`(?<![\\p{L}\\p{N}])${escape(piece)}`, 'gu'));
    }
  }
  return out;
}

export function markMatches(text: string, terms: QueryTerm[]): Segment[] {
  const { folded, from, to } = fold(text);
  const marked = new Array<boolean>(text.length).fill(false);
  for (const pattern of patterns(terms)) {
    for (const m of folded.matchAll(pattern)) {
      if (m[0].length === 0) continue;
      const start = from[m.index!]!;
      const end = to[m.index! + m[0].length - 1]!;
      for (let i = start; i < end; i++) marked[i] = true;
    }
  }
  const segments: Segment[] = [];
  for (let i = 0; i < text.length; ) {
    let j = i;
    while (j < text.length && marked[j] === marked[i]) j++;
    segments.push({ text: text.slice(i, j), marked: marked[i] });
    i = j;
  }
  return segments;
}
