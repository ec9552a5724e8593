import { describe, expect, it } from 'vitest';
import { isoDurationToSeconds } from '../../src/youtube/duration.js';

/**
 * videos.duration_seconds from contentDetails.duration. The emulator sends well-formed values
 * only; the real API also sends P0D (live), nothing (premieres), and whatever it may yet invent.
 */
describe('isoDurationToSeconds', () => {
  it('reads the shapes YouTube sends', () => {
    expect(isoDurationToSeconds('PT4M13S')).toBe(253);
    expect(isoDurationToSeconds('PT1H2M3S')).toBe(3_723);
    expect(isoDurationToSeconds('P1DT2H')).toBe(93_600);
    expect(isoDurationToSeconds('P1W2D')).toBe(9 * 86_400);
    expect(isoDurationToSeconds('PT59.6S')).toBe(60);
    expect(isoDurationToSeconds('PT1.25S')).toBe(1);
    expect(isoDurationToSeconds('P10DT10H10M10S')).toBe(10 * 86_400 + 36_610);
    expect(isoDurationToSeconds('P12W')).toBe(84 * 86_400);
    expect(isoDurationToSeconds('P0D')).toBe(0);
    expect(isoDurationToSeconds('PT0S')).toBe(0);
  });

  it('anything else is unknown (null), never 0', () => {
    for (const value of [null, undefined, '', 'P', 'PT', 'P1DT', 'PT1H2M3', '4:13', 'pt4m13s', 'P-1D', ' PT4M13S']) {
      expect(isoDurationToSeconds(value), String(value)).toBeNull();
    }
  });
});
