import { describe, expect, it } from 'vitest';
import { classifyDeparture, unavailability, type DepartureFacts } from '../../src/history/classify.js';
import { parseSince, resolveWindow, type RunSpan } from '../../src/history/window.js';
import { clockDuration, csvField, csvTime } from '../../src/export/csv-format.js';

const t = (minute: number) => new Date(Date.UTC(2025, 5, 1, 12, minute));
const facts = (patch: Partial<DepartureFacts>): DepartureFacts => ({
  removedAt: null,
  removalRunEnd: null,
  movedTo: null,
  unavailableReason: null,
  unavailableSince: null,
  ...patch,
});

describe('classifyDeparture', () => {
  it('an item gone while its video is still available was removed by you', () => {
    expect(classifyDeparture(facts({ removedAt: t(5), removalRunEnd: t(9) }))).toBe('removed');
  });
  it('the same video in another playlist in the same run is a move, even if it was later deleted', () => {
    const target = { playlistId: 'PLb', title: 'B' };
    expect(classifyDeparture(facts({ removedAt: t(5), removalRunEnd: t(9), movedTo: target }))).toBe('moved');
    expect(classifyDeparture(facts({ removedAt: t(5), removalRunEnd: t(9), movedTo: target, unavailableReason: 'deleted', unavailableSince: t(60) }))).toBe('moved');
  });
  it('unavailability seen by the run that saw the removal explains it', () => {
    // Left out of videos.list is no proof of deletion (private videos are left out too).
    expect(classifyDeparture(facts({ removedAt: t(5), removalRunEnd: t(9), unavailableReason: 'missing', unavailableSince: t(8) }))).toBe('unavailable');
    expect(classifyDeparture(facts({ removedAt: t(5), removalRunEnd: t(9), unavailableReason: 'private', unavailableSince: t(2) }))).toBe('private');
  });
  it('a video that turned unavailable after you removed it was removed by you', () => {
    expect(classifyDeparture(facts({ removedAt: t(5), removalRunEnd: t(9), unavailableReason: 'deleted', unavailableSince: t(30) }))).toBe('removed');
  });
  it('an item still listed departs by its video’s unavailability', () => {
    expect(classifyDeparture(facts({ unavailableReason: 'deleted', unavailableSince: t(1) }))).toBe('deleted');
    expect(classifyDeparture(facts({ unavailableReason: 'private', unavailableSince: t(1) }))).toBe('private');
    expect(classifyDeparture(facts({ unavailableReason: 'region-blocked', unavailableSince: t(1) }))).toBe('unavailable');
  });
  it('maps the stored reasons', () => {
    expect([unavailability('deleted'), unavailability('missing'), unavailability('private'), unavailability(null)]).toEqual(['deleted', 'unavailable', 'private', 'unavailable']);
  });
});

describe('resolveWindow', () => {
  const runs: RunSpan[] = [3, 2, 1].map((id) => ({ id, startedAt: t(id * 10), finishedAt: t(id * 10 + 5) }));
  const now = t(59);
  it('defaults to what the last complete run changed', () => {
    expect(resolveWindow({}, runs, now)).toEqual({ from: t(25), to: now, basis: 'previous-complete-run', runs: [runs[0]] });
  });
  it('--runs N starts where the run before them finished, or at the beginning', () => {
    expect(resolveWindow({ runs: 2 }, runs, now).from).toEqual(t(15));
    expect(resolveWindow({ runs: 5 }, runs, now)).toMatchObject({ from: null, runs: [runs[2], runs[1], runs[0]] });
    expect(resolveWindow({}, [], now)).toMatchObject({ from: null, runs: [] });
  });
  it('--since lists the runs that finished after it', () => {
    expect(resolveWindow({ since: t(20) }, runs, now).runs.map((r) => r.id)).toEqual([2, 3]);
  });
});

describe('parseSince', () => {
  it('reads a bare date as local midnight and a date-time as written', () => {
    expect(parseSince('2025-06-01')).toEqual(new Date(2025, 5, 1));
    expect(parseSince('2025-06-01T18:30:00Z').toISOString()).toBe('2025-06-01T18:30:00.000Z');
  });
  it('refuses anything else with a usage error (exit 2)', () => {
    expect(() => parseSince('last tuesday')).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(() => parseSince('2025-13-45')).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe('CSV values', () => {
  it('quotes per RFC 4180 only where needed', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    expect(csvField(0)).toBe('0');
  });
  it('times in UTC to the second, durations as H:MM:SS', () => {
    expect(csvTime(new Date('2025-06-01T08:09:10.123Z'))).toBe('2025-06-01 08:09:10');
    expect([clockDuration(45), clockDuration(3723), clockDuration(93600), clockDuration(null)]).toEqual(['0:00:45', '1:02:03', '26:00:00', null]);
  });
});
