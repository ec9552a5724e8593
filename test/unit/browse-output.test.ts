import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/browse/query-terms.js';
import { clean, fitCell, layoutColumns, terminalOf, widthOf } from '../../src/output/cells.js';
import { markMatches } from '../../src/output/highlight.js';

const marked = (text: string, query: string) =>
  markMatches(text, parseQuery(query))
    .filter((s) => s.marked)
    .map((s) => s.text);

describe('cells', () => {
  it('measures what a terminal shows: CJK and emoji take two columns', () => {
    expect(widthOf('abc')).toBe(3);
    expect(widthOf('日本語')).toBe(6);
    expect(widthOf('🎵 x')).toBe(4);
  });

  it('cuts with … and pads to exactly the width, never splitting a character', () => {
    for (const text of ['lofi beats to study', '日本語タイトルです', 'family 👨‍👩‍👧‍👦 video', 'short']) {
      for (const width of [5, 8, 11]) expect(widthOf(fitCell(text, width)), `${text} in ${width}`).toBe(width);
    }
    expect(fitCell('lofi beats to study', 10)).toBe('lofi beat…');
    expect(fitCell('日本語タイトル', 7)).toBe('日本語…');
    expect(fitCell('4:13', 7, { align: 'right' })).toBe('   4:13');
  });

  it('marks in bold only when asked', () => {
    const segments = [{ text: 'lofi ' }, { text: 'synth', marked: true }, { text: 'wave' }];
    expect(fitCell(segments, 14)).toBe('lofi synthwave');
    expect(fitCell(segments, 14, { marks: true })).toBe('lofi \u001b[1msynth\u001b[22mwave');
  });

  it('keeps escape sequences, line breaks and direction overrides of titles off the terminal', () => {
    expect(clean('evil\u001b[2Jtitle\nnext\tcol \u202eright')).toBe('evil [2Jtitle next col right');
  });

  it('gives way from the widest column down to each minimum', () => {
    const specs = [
      { header: 'Title', min: 10, max: 80 },
      { header: 'Channel', min: 8, max: 20 },
      { header: 'Length', min: 6, max: 8 },
    ];
    expect(layoutColumns(specs, [70, 15, 7], 200)).toEqual([70, 15, 7]);
    expect(layoutColumns(specs, [70, 15, 7], 60)).toEqual([34, 15, 7]); // 60 - 2 gaps of 2
    expect(layoutColumns(specs, [70, 15, 7], 20)).toEqual([10, 8, 6]);
  });

  it('knows a terminal from a pipe, and honours NO_COLOR and TERM=dumb', () => {
    expect(terminalOf({ write: () => true, isTTY: true, columns: 100 } as never, {})).toEqual({ tty: true, marks: true, columns: 100 });
    expect(terminalOf({ write: () => true, isTTY: true, columns: 100 } as never, { NO_COLOR: '1' }).marks).toBe(false);
    expect(terminalOf({ write: () => true, isTTY: true } as never, { TERM: 'dumb' }).tty).toBe(false);
    expect(terminalOf({ write: () => true } as never, { COLUMNS: '132' })).toEqual({ tty: false, marks: false, columns: 132 });
  });
});

describe('matched words', () => {
  it('a word and its prefix at the start of words, any case, any accent', () => {
    expect(marked('Synthwave Café — CAFÉ del mar, Encafé', 'synthw cafe')).toEqual(['Synthw', 'Café', 'CAFÉ']);
    expect(marked('Die Straße', 'strasse')).toEqual(['Straße']);
  });

  it('phrases word by word, never the excluded words', () => {
    expect(marked('night drive remix', '"night drive" -remix')).toEqual(['night', 'drive']);
  });

  it('inside a run of Japanese or Chinese characters', () => {
    expect(marked('日本語タイトル 🎵', 'タイトル')).toEqual(['タイトル']);
    expect(marked('ｆｕｌｌ ｗｉｄｔｈ', 'full')).toEqual(['ｆｕｌｌ']);
  });
});
