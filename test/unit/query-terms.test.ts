import { describe, expect, it } from 'vitest';
import { describeQuery, parseQuery } from '../../src/browse/query-terms.js';

describe('search query syntax', () => {
  it('words, "phrases", -exclusions, in any order', () => {
    expect(parseQuery('  synthw  "night drive" -remix -"live at"  lo-fi ')).toEqual([
      { text: 'synthw', phrase: false, exclude: false },
      { text: 'night drive', phrase: true, exclude: false },
      { text: 'remix', phrase: false, exclude: true },
      { text: 'live at', phrase: true, exclude: true },
      { text: 'lo-fi', phrase: false, exclude: false },
    ]);
  });

  it('an unclosed quote runs to the end; typographic quotes count; lone dashes are punctuation', () => {
    expect(parseQuery('“café del mar” - -- "night  drive')).toEqual([
      { text: 'café del mar', phrase: true, exclude: false },
      { text: 'night drive', phrase: true, exclude: false },
    ]);
    expect(parseQuery('""  -""')).toEqual([]);
  });

  it('describes the terms back', () => {
    expect(describeQuery(parseQuery('a  "b  c" -d'))).toBe('a "b c" -d');
  });
});
