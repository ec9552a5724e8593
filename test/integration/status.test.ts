import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCredentialStore } from '../../src/auth/credential-store.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/connection.js';
import { quotaDay, quotaResetsAt } from '../../src/quota-day.js';
import { generateLibrary } from '../fakes/generate-library.js';
import { YouTubeEmulator } from '../fakes/youtube-emulator.js';
import { BIN, runInProcess } from '../support/cli.js';
import { createWorkspace, TEST_DATABASE, type Workspace } from '../support/database.js';

// Issue 6, acceptance 1: `status --json` against a database in known states.

async function status(env: Record<string, string | undefined>) {
  const result = await runInProcess(['status', '--json'], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe(`ytsync status (${TEST_DATABASE})`, () => {
  let emulator: YouTubeEmulator;
  let ws: Workspace;

  beforeAll(async () => {
    emulator = await YouTubeEmulator.start({
      library: generateLibrary({ seed: 6, playlists: 4, items: 160, likes: 20, deletedRate: 0.05, privateRate: 0.05 }),
    });
    ws = await createWorkspace(emulator);
  });
  afterAll(async () => {
    await emulator?.stop();
    await ws?.cleanup();
  });

  it('fresh: no credentials, empty mirror, offline (the API root points nowhere)', async () => {
    const env = { ...ws.env, YTSYNC_API_ROOT: 'http://127.0.0.1:9/', YTSYNC_DAILY_QUOTA: '500' };
    const report = await status(env);
    expect(report).toMatchObject({
      account: null,
      loggedIn: false,
      database: { kind: TEST_DATABASE },
      busy: null,
      counts: { playlists: 0, videos: 0, items: 0, removedItems: 0, unavailableVideos: 0, subscriptions: 0 },
      quota: { usedToday: 0, dailyLimit: 500, day: quotaDay() },
      lastRun: null,
      unfinishedRun: null,
      lastRuns: [],
      nextPullEstimate: null,
    });
    expect(Date.parse(report.quota.resetsAt)).toBe(quotaResetsAt().getTime());
    if (TEST_DATABASE === 'postgres') expect(report.database.location).not.toMatch(/:[^/@]*@/); // no password
    else {
      expect(report.database.location).toBe(path.join(ws.home, 'db'));
      expect(report.database.psql).toBe(`psql -h ${path.join(ws.home, 'db')} -U ytsync postgres`);
    }

    const human = await runInProcess(['status'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Account: +not logged in/m);
    expect(human.stdout).toMatch(/0 of 500 units used today; resets .+\(in \d/);
  });

  it('partial run with resume points, then complete, then quota exhausted today', async () => {
    await ws.seedCredentials(emulator);
    const expected = emulator.library.expectedMirror();

    // Budget stop in the items pass: 1 channel + 1 playlists page + 1 subscriptions page + a few item pages.
    const partial = await runInProcess(['pull', '--max-units', '5'], ws.env);
    expect(partial.code, partial.stderr).toBe(75);
    expect(partial.stderr).toMatch(/--max-units.*progress is saved/);

    let report = await status(ws.env);
    // Seeded credentials carry no account: it comes from the mirror's account row.
    expect(report.account).toEqual({ channelId: expected.channel.id, title: expected.channel.title });
    expect(report.loggedIn).toBe(true);
    expect(report.quota.usedToday).toBe(emulator.quota.used);
    expect(report.lastRun).toMatchObject({ outcome: 'budget', unitsSpent: 5, invocations: 1, finishedAt: null });
    const unfinished = report.unfinishedRun;
    expect(unfinished.id).toBe(report.lastRun.id);
    expect(unfinished.passes.playlists).toMatchObject({ done: true });
    expect(unfinished.passes.subscriptions).toMatchObject({ done: true });
    expect(unfinished.passes.items.playlists).toBe(expected.playlists.length + 1); // + the Liked list
    expect(unfinished.passes.items.done).toBeLessThan(unfinished.passes.items.playlists);
    expect(unfinished.passes.items.pending.length).toBe(unfinished.passes.items.playlists - unfinished.passes.items.done);
    for (const p of unfinished.passes.items.pending) {
      expect(p).toMatchObject({ playlistId: expect.any(String), itemsFetched: expect.any(Number), started: expect.any(Boolean) });
    }
    expect(unfinished.passes.videos).toBeNull();
    expect(report.nextPullEstimate).toMatchObject({ basis: 'resume-points' });
    expect(report.nextPullEstimate.units).toBeGreaterThan(0);
    expect(report.counts.playlists).toBe(expected.playlists.length + 1);

    const human = await runInProcess(['status'], ws.env);
    expect(human.stdout).toMatch(new RegExp(`^Unfinished run #${unfinished.id}: .*5 units so far; last invocation: budget`, 'm'));
    expect(human.stdout).toMatch(/^ {2}items: +\d+ of 5 playlists read/m);
    expect(human.stdout).toMatch(/^ {2}subscriptions: +done$/m);
    expect(human.stdout).toMatch(/continues from these resume points/);

    const estimate = report.nextPullEstimate.units;
    const usedBefore = emulator.quota.used;
    const complete = await runInProcess(['pull'], ws.env);
    expect(complete.code, complete.stderr).toBe(0);
    expect(complete.stderr).toMatch(/cost: about \d+ units \(to finish the unfinished run/);
    // The estimate is an upper bound of what finishing costs (SPEC.md's formula per list).
    expect(emulator.quota.used - usedBefore).toBeLessThanOrEqual(estimate);

    report = await status(ws.env);
    const totalItems = Object.values(expected.items).reduce((n, list) => n + list.length, 0);
    expect(report.unfinishedRun).toBeNull();
    expect(report.lastRun).toMatchObject({ id: unfinished.id, outcome: 'complete', invocations: 2, unitsSpent: emulator.quota.used });
    expect(report.lastRun.finishedAt).not.toBeNull();
    expect(report.counts).toMatchObject({ playlists: expected.playlists.length + 1, items: totalItems, removedItems: 0 });
    expect(report.counts.unavailableVideos).toBe(expected.unavailableVideoIds.length);
    expect(report.counts.subscriptions).toBe(expected.subscriptions.length);
    expect((await runInProcess(['status'], ws.env)).stdout).toMatch(new RegExp(`^Mirror: .*\\), ${expected.subscriptions.length} subscriptions$`, 'm'));
    expect(report.nextPullEstimate).toEqual({ units: emulator.quota.used, basis: 'previous-run' });
    expect(report.quota.usedToday).toBe(emulator.quota.used);

    // Today's quota is spent (by our ledger and by Google's): status says so; pull probes once and exits 75.
    const spentEnv = { ...ws.env, YTSYNC_DAILY_QUOTA: String(emulator.quota.used) };
    const spentText = await runInProcess(['status'], spentEnv);
    expect(spentText.stdout).toMatch(/^Quota: +spent: [\d,]+ of [\d,]+ units used today; resets /m);
    emulator.quota.setLimit(emulator.quota.used);
    const refused = await runInProcess(['pull'], spentEnv);
    expect(refused.code).toBe(75);
    expect(refused.stderr).toMatch(/quota is spent .*probing with one request \(the quota resets /);
    expect(refused.stderr).toMatch(/continues after the quota resets \w{3}, \d+ \w{3} \d{4}, \d\d:\d\d \S+ \(in /);
    report = await status(spentEnv);
    expect(report.lastRun).toMatchObject({ outcome: 'quota', finishedAt: null, unitsSpent: 0 });
    expect(report.lastRuns.map((r: { id: number }) => r.id)).toEqual([report.lastRun.id, unfinished.id]);
    expect(report.quota.usedToday).toBeGreaterThanOrEqual(report.quota.dailyLimit);
  });

  it('the account in the credentials file wins over the mirror; an unreadable file is a warning', async () => {
    const store = new FileCredentialStore(path.join(ws.home, 'credentials.json'));
    const stored = (await store.load())!;
    await store.save({ ...stored, account: { channelId: 'UCfromfile', title: 'From the file' } });
    expect((await status(ws.env)).account).toEqual({ channelId: 'UCfromfile', title: 'From the file' });
    await store.save({ ...stored, refreshToken: '' });
    const result = await runInProcess(['status', '--json'], ws.env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ loggedIn: false, account: { channelId: emulator.library.expectedMirror().channel.id } });
    expect(result.stderr).toMatch(/warning: .*credentials/);
    await store.save(stored);
  });

  it('answers while a pull holds the database, with everything', async () => {
    const held = await openDatabase(loadConfig(ws.env), { pullLock: true, command: 'pull' });
    try {
      const report = await status(ws.env);
      expect(report.busy.holder).toMatch(new RegExp(`^ytsync pull \\(pid ${process.pid} on .+\\), since `));
      expect(report.counts.items).toBeGreaterThan(0);
      expect(report.quota.usedToday).toBeGreaterThan(0);
      expect(report.lastRun).not.toBeNull();
      expect(report.database.location).toBeTruthy();
      const human = await runInProcess(['status'], ws.env);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/^Busy: +ytsync pull.* is pulling now/m);
      expect(human.stdout).toMatch(/^Mirror: +\d+ playlists/m);
    } finally {
      await held.close();
    }
    expect((await status(ws.env)).busy).toBeNull();
  });

  it('never loads the Google client libraries (status, the browsing commands and --help, in a child process)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ytsync-imports-'));
    const browsing = [['search', 'video', '--json'], ['playlists', '--json'], ['show', 'LL', '--all', '--json']];
    try {
      for (const argv of [['status', '--json'], ['--help'], ['pull', '--help'], ...browsing]) {
        const log = path.join(dir, `${argv.join('_')}.log`);
        const code = await new Promise<number | null>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', path.resolve('test/support/import-log.mjs'), BIN, ...argv], {
            // Browsing is offline: no API to reach, and no credentials needed.
            env: { PATH: process.env.PATH, HOME: process.env.HOME, ...ws.env, YTSYNC_API_ROOT: 'http://127.0.0.1:9/', YTSYNC_TEST_IMPORT_LOG: log },
            stdio: 'ignore',
          });
          child.on('error', reject).on('close', resolve);
        });
        expect(code, argv.join(' ')).toBe(0);
        const loaded = await readFile(log, 'utf8');
        expect(loaded).toMatch(/\/dist\/cli\.js/); // the hook saw the program
        expect(loaded, argv.join(' ')).not.toMatch(/googleapis|google-auth-library|gaxios/);
        if (browsing.includes(argv)) expect(loaded, argv.join(' ')).not.toMatch(/\/dist\/(auth|youtube|sync)\//);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
