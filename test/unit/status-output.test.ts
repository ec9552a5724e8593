import { describe, expect, it } from 'vitest';
import { estimatePullCost, fullSyncUnits, type EstimateInputs, type ResumeProgress } from '../../src/status/estimate.js';
import { commandHelp, exitCodesHelp } from '../../src/output/help.js';
import { createReporter } from '../../src/output/reporter.js';
import { describeQuotaReset, formatDuration, formatLocalTime } from '../../src/output/time.js';

const base: EstimateInputs = { lastCompleteRunUnits: null, playlists: 0, listSizes: [], knownVideos: 0, subscriptions: 0, unfinished: null };
const point = (p: Partial<ResumeProgress> & { pass: string }): ResumeProgress => ({
  done: false, itemsFetched: 0, totalResults: null, itemCount: null, nextPageToken: null, ...p,
});

describe('cost estimate (SPEC.md: ceil(P/50) + Σ ceil(items/50) + ceil(V/50) + ceil(S/50) + 1)', () => {
  it('full sync formula: an empty list still costs its call', () => {
    expect(fullSyncUnits(3, [0, 50, 51, 120], 130, 101)).toBe(1 + (1 + 1 + 2 + 3) + 3 + 3 + 1);
    // No subscriptions: the call that says so still costs its unit.
    expect(fullSyncUnits(120, [], 0, 0)).toBe(3 + 0 + 0 + 1 + 1);
  });
  it('nothing known: no estimate; the previous complete run wins over item counts', () => {
    expect(estimatePullCost(base)).toBeNull();
    expect(estimatePullCost({ ...base, playlists: 2, listSizes: [10, 60, null], knownVideos: 65, subscriptions: 60 })).toEqual({ units: 1 + 1 + 2 + 1 + 2 + 2 + 1, basis: 'item-counts' });
    expect(estimatePullCost({ ...base, playlists: 2, listSizes: [10, 60], lastCompleteRunUnits: 42 })).toEqual({ units: 42, basis: 'previous-run' });
  });
  it('an unfinished run: what its resume points leave', () => {
    const unfinished = {
      channelKnown: true,
      resumePoints: [
        point({ pass: 'playlists', done: true }),
        point({ pass: 'subscriptions', itemsFetched: 50, totalResults: 120, nextPageToken: 'CDIQAA' }), // read again from the start: 3 pages
        point({ pass: 'items', done: true, itemsFetched: 80 }),
        point({ pass: 'items', itemsFetched: 100, totalResults: 230, nextPageToken: 'CGQQAA' }), // read again from the start: 5 pages
        point({ pass: 'items', itemCount: 10 }), // not started: 1 page
      ],
    };
    // The list of playlists again (1) + 3 subscriptions pages + 6 item pages + videos: (knownVideos 90 + 240 unread) / 50 → 7.
    expect(estimatePullCost({ ...base, playlists: 3, knownVideos: 90, subscriptions: 80, lastCompleteRunUnits: 999, unfinished })).toEqual({ units: 1 + 3 + 6 + 7, basis: 'resume-points' });
    const subscriptionsDone = point({ pass: 'subscriptions', done: true });
    const videos = { channelKnown: false, resumePoints: [point({ pass: 'playlists', done: true }), subscriptionsDone, point({ pass: 'items', done: true }), point({ pass: 'videos', itemsFetched: 100, totalResults: 260 })] };
    expect(estimatePullCost({ ...base, unfinished: videos })).toEqual({ units: 1 + 4, basis: 'resume-points' });
  });
});

describe('times for people', () => {
  it('local time names its zone; durations read naturally', () => {
    const at = new Date('2025-03-09T08:00:00Z');
    expect(formatLocalTime(at, 'Europe/Berlin')).toBe('Sun, 9 Mar 2025, 09:00 CET');
    expect(formatLocalTime(at, 'America/Los_Angeles')).toMatch(/^Sun, 9 Mar 2025, 00:00 (PST|GMT-8)$/);
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(3 * 3_600_000 + 12 * 60_000)).toBe('3 h 12 min');
    expect(describeQuotaReset(at, new Date('2025-03-09T07:30:00Z'), 'UTC')).toBe('Sun, 9 Mar 2025, 08:00 UTC (in 30 min)');
  });
});

describe('--help blocks', () => {
  it('lists only the given settings and exit codes', () => {
    const text = commandHelp(['DATABASE_URL', 'YTSYNC_DAILY_QUOTA'], [0, 2]);
    expect(text).toMatch(/^ {2}DATABASE_URL +PostgreSQL server/m);
    expect(text).not.toMatch(/YTSYNC_API_ROOT/);
    expect(text).toMatch(/^ {2}2 +usage or configuration error/m);
    expect(text).not.toMatch(/^ {2}75/m);
    expect(exitCodesHelp()).toMatch(/^ {2}75 +stopped early on quota.*\n {11}and the next pull continues/m);
  });
});

describe('reporter', () => {
  const capture = (props: { isTTY?: boolean; columns?: number }) => {
    const stream = { text: '', ...props, write(chunk: string) { this.text += chunk; return true; } };
    return stream;
  };
  const io = (stderr: ReturnType<typeof capture>, env: Record<string, string> = {}) => ({ stdout: capture({}), stderr, env, signal: new AbortController().signal });

  it('plain lines without a redrawable terminal (no TTY, TERM=dumb, zero columns); --quiet keeps warnings', async () => {
    for (const [stream, env] of [[capture({}), {}], [capture({ isTTY: true, columns: 80 }), { TERM: 'dumb' }], [capture({ isTTY: true, columns: 0 })]] as const) {
      const reporter = await createReporter(io(stream, env));
      reporter.event('hello');
      reporter.warn('careful');
      reporter.stop();
      expect(stream.text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ hello\n\S+ warning: careful\n$/);
    }
    const quiet = capture({});
    const reporter = await createReporter(io(quiet), { quiet: true });
    reporter.event('hello');
    reporter.progress('50%');
    reporter.warn('careful');
    expect(quiet.text).toBe('warning: careful\n');
  });
});

describe('each command --help lists its options, the settings it reads and its exit codes', async () => {
  const { runInProcess } = await import('../support/cli.js');
  const cases: Array<[string, RegExp[]]> = [
    ['login', [/--client-secret/, /--no-browser/, /YTSYNC_CLIENT_ID/, /YTSYNC_OAUTH_AUTH_URL/, /^ {2}3 /m]],
    ['logout', [/YTSYNC_HOME/, /YTSYNC_OAUTH_AUTH_URL/, /^ {2}0 /m]],
    ['pull', [/--max-units/, /--quiet/, /DATABASE_URL/, /YTSYNC_DAILY_QUOTA/, /NO_COLOR/, /^ {2}4 /m, /^ {2}75 /m, /130\/143/]],
    ['status', [/--json/, /DATABASE_URL/, /YTSYNC_HOME/, /YTSYNC_DAILY_QUOTA/, /^ {2}2 /m]],
  ];
  it.each(cases)('%s --help', async (command, patterns) => {
    const result = await runInProcess([command, '--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Options:$/m);
    expect(result.stdout).toMatch(/^Environment \(a \.env file/m);
    expect(result.stdout).toMatch(/^Exit codes:$/m);
    expect(result.stdout).toMatch(/^ {2}0 +finished$/m);
    for (const pattern of patterns) expect(result.stdout).toMatch(pattern);
  });
});
