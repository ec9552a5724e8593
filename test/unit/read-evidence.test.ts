import { describe, expect, it } from 'vitest';
import { chunks } from '../../src/sync/chunks.js';
import { ReadEvidence } from '../../src/sync/read-evidence.js';

const page = (ids: string[], totalResults: number | null) => ({ ids, totalResults });

describe('ReadEvidence: what says a list changed under a read', () => {
  it('a steady read is evidence; its ids are kept', () => {
    const e = new ReadEvidence();
    expect(e.observe(page(['a', 'b'], 5))).toBeNull();
    expect(e.observe(page(['c', 'd'], 5))).toBeNull();
    expect(e.observe(page(['e'], 5))).toBeNull();
    expect(e.doubtfulBecause).toBeNull();
    expect(e.seenIds).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a different total than the first page’s, or an id seen again, is a change', () => {
    const grown = new ReadEvidence();
    grown.observe(page(['a'], 5));
    expect(grown.observe(page(['b'], 6))).toBe('its size changed from 5 to 6');
    const shifted = new ReadEvidence();
    shifted.observe(page(['a', 'b'], 5));
    expect(shifted.observe(page(['b', 'c'], 5))).toBe('an item showed up again on a later page');
    // Both at once: the size is named first.
    const both = new ReadEvidence();
    both.observe(page(['a', 'b'], 5));
    expect(both.observe(page(['b'], 4))).toBe('its size changed from 5 to 4');
  });

  it('a total YouTube leaves out proves nothing either way', () => {
    const unknownFirst = new ReadEvidence();
    unknownFirst.observe(page(['a'], null));
    expect(unknownFirst.observe(page(['b'], 7))).toBeNull();
    const unknownLater = new ReadEvidence();
    unknownLater.observe(page(['a'], 7));
    expect(unknownLater.observe(page(['b'], null))).toBeNull();
  });

  it('distrust keeps the first reason and never forgets it', () => {
    const e = new ReadEvidence('it was read across several pulls');
    e.distrust('later');
    expect(e.doubtfulBecause).toBe('it was read across several pulls');
    const f = new ReadEvidence();
    f.distrust('it kept changing');
    f.distrust('another');
    expect(f.doubtfulBecause).toBe('it kept changing');
  });
});

describe('chunks', () => {
  it('runs of at most n, in order, none empty', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([1, 2, 3, 4], 2)).toEqual([[1, 2], [3, 4]]);
    expect(chunks([], 50)).toEqual([]);
    expect(chunks(Array.from({ length: 101 }, (_, i) => i), 50).map((c) => c.length)).toEqual([50, 50, 1]);
  });
});
