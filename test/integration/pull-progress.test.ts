import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPull } from '../../src/commands/pull.js';
import { loadConfig } from '../../src/config.js';
import type { Reporter } from '../../src/output/reporter.js';
import type { StoredPage } from '../../src/sync/run-control.js';
import { TEST_DATABASE } from '../support/database.js';
import { startScenario, type Scenario } from '../support/scenario.js';

/** Everything a pull tells the person watching it (the spinner's text, the lines above it). */
class Recorder implements Reporter {
  events: string[] = [];
  warnings: string[] = [];
  shown: string[] = [];
  pages: StoredPage[] = [];
  event(message: string) {
    this.events.push(message);
  }
  warn(message: string) {
    this.warnings.push(message);
  }
  progress(message: string) {
    this.shown.push(message);
  }
  pageStored(page: StoredPage) {
    this.pages.push(page);
  }
  stop() {}
  progressOf(prefix: string) {
    return this.shown.filter((p) => p.startsWith(prefix));
  }
  stored(pass: StoredPage['pass']) {
    return this.pages.filter((p) => p.pass === pass).reduce((n, p) => n + p.count, 0);
  }
}

/**
 * What a pull says while it works is what it does: the passes in order, counts that add up to
 * the mirror, progress that only moves forward — on a terminal this is the spinner, from cron
 * the log. The command's reporter is a parameter (runPull), here one that records.
 */
describe(`a pull's progress (${TEST_DATABASE})`, () => {
  let s: Scenario;

  beforeEach(async () => {
    s = await startScenario({ seed: 29, playlists: 6, items: 330, likes: 40, subscriptions: 70 });
  });
  afterEach(() => s.stop());

  const pullWith = async (reporter: Reporter, options: { maxUnits?: number; concurrency?: number } = {}) => {
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: s.ws.env, signal: new AbortController().signal };
    return runPull({ config: loadConfig(s.ws.env), io }, { concurrency: options.concurrency ?? 2, ...options }, reporter);
  };

  it('names each pass as it ends, counts what it stored, and only moves forward', async () => {
    const expected = s.emulator.library.expectedMirror();
    const lists = Object.keys(expected.items).length;
    const items = Object.values(expected.items).reduce((n, l) => n + l.length, 0);
    const videos = new Set(Object.values(expected.items).flat().map((i) => i.videoId)).size;
    const r = new Recorder();
    const { result } = await pullWith(r);
    expect(result.outcome).toBe('complete');

    expect(r.warnings).toEqual([]);
    expect(r.events.slice(1)).toEqual([
      `account: ${expected.channel.title} (${expected.channel.id})`,
      'playlists: done',
      'subscriptions: done',
      `items: ${lists} lists read`,
      `videos: ${videos} checked`,
    ]);
    expect(r.events[0]).toMatch(/^cost: /);
    const itemProgress = r.progressOf('items: ').map((p) => Number(/^items: (\d+)\/(\d+) lists$/.exec(p)?.[1]));
    expect(itemProgress[0]).toBe(0);
    expect(itemProgress.at(-1)).toBe(lists);
    expect(itemProgress).toEqual([...itemProgress].sort((a, b) => a - b));
    expect(r.progressOf('items: ').every((p) => p.endsWith(`/${lists} lists`))).toBe(true);
    const videoProgress = r.progressOf('videos: ');
    expect(videoProgress[0]).toBe(`videos: 0/${videos}`);
    expect(videoProgress.at(-1)).toBe(`videos: ${videos}/${videos}`);
    expect(r.progressOf('playlists: ')).toEqual(['playlists: reading the list']);
    // What the spinner adds up is what the mirror holds.
    expect(r.stored('playlists')).toBe(expected.playlists.length);
    expect(r.stored('items')).toBe(items);
    expect(r.stored('videos')).toBe(videos);
    expect(r.pages.filter((p) => p.pass === 'items' && p.last).map((p) => p.list).sort()).toEqual(Object.keys(expected.items).sort());
    expect(r.pages.filter((p) => p.pass === 'videos').every((p) => p.list === null && p.last)).toBe(true);
  });

  it('a resumed run says so, and why a list is read again', async () => {
    // One worker, stopped two pages into the first list of several pages.
    const lib = s.emulator.library;
    const pages = lib.playlists.map((p) => Math.max(1, Math.ceil(p.items.length / 50)));
    const j = pages.findIndex((n) => n > 2);
    expect(j).toBeGreaterThanOrEqual(0);
    const subscriptionPages = Math.max(1, Math.ceil(lib.expectedMirror().subscriptionsPaged / 50));
    const budget = 2 + subscriptionPages + pages.slice(0, j).reduce((a, b) => a + b, 0) + 2;
    const first = await pullWith(new Recorder(), { maxUnits: budget, concurrency: 1 });
    expect(first.result.outcome).toBe('budget');
    const r = new Recorder();
    const { result } = await pullWith(r);
    expect(result.outcome).toBe('complete');
    expect(r.events[1]).toMatch(new RegExp(`^continuing the unfinished run #${result.runId} \\(started \\d{4}-\\d\\d-\\d\\dT`));
    expect(r.events.some((e) => /: reading it again from the start because it was partly read by an earlier pull$/.test(e))).toBe(true);
  });
});
