import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestInfo } from '../fakes/youtube-emulator.js';
import { runInProcess, type CliResult } from '../support/cli.js';
import type { CrashPoint } from '../support/crash-pull.js';
import { TEST_DATABASE, type Workspace } from '../support/database.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { minimumUnits } from '../support/quota.js';
import { interruption, verificationUnits } from '../support/resume.js';
import { startScenario, type Scenario } from '../support/scenario.js';

const HARNESS = fileURLToPath(new URL('../support/crash-pull.ts', import.meta.url));

/** Runs the pull in a child that SIGKILLs itself right after the chosen page has committed. */
function pullUntilCrash(ws: Workspace, point: CrashPoint): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', HARNESS, JSON.stringify(point)], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...ws.env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) =>
    child.on('error', reject).on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : -1), stdout, stderr })),
  );
}

/**
 * Issue 14, survivor 2: a crash between a page's commit and whatever follows it. The page and
 * its resume point are one transaction, so what the crash left is exactly what was stored: the
 * next pull asks YouTube for nothing it already has — beyond what the README's bound says it
 * verifies (the lists left partly read, and the list of playlists when lists are left).
 */
describe(`a crash right after a page commits (${TEST_DATABASE})`, () => {
  let s: Scenario;
  let requests: RequestInfo[];

  beforeEach(async () => {
    s = await startScenario({ seed: 33, playlists: 5, items: 240, likes: 30 });
    requests = [];
    s.emulator.on('request', (info: RequestInfo) => requests.push(info));
  });
  afterEach(() => s.stop());

  it('after the last page of a list: that list is never asked for again', async () => {
    // With one worker, lists are read in the order playlists.list gives them: crash right after
    // the last page of the first list of several pages commits.
    const lib = s.emulator.library;
    // (An empty list stores no item: its one page is no such commit.)
    const commits = lib.playlists.map((p) => Math.ceil(p.items.length / 50));
    const j = commits.findIndex((n) => n > 1);
    expect(j).toBeGreaterThanOrEqual(0);
    const crashed = await pullUntilCrash(s.ws, { commitsOf: 'items', nth: commits.slice(0, j + 1).reduce((a, b) => a + b, 0) });
    expect(crashed.code, crashed.stderr).toBe(137);
    const stop = await s.ws.withDb(interruption);
    expect(stop.doneLists).toEqual(lib.playlists.slice(0, j + 1).map((p) => p.id));
    // The crashed invocation recorded no outcome: status says what that probably means.
    const report = JSON.parse((await runInProcess(['status', '--json'], s.ws.env)).stdout);
    expect(report.unfinishedRun).toMatchObject({ outcome: 'running', invocations: 1 });
    expect((await runInProcess(['status'], s.ws.env)).stdout).toMatch(/last invocation: ended without recording an outcome \(killed\?\)/);
    const before = requests.length;

    const next = await runInProcess(['pull', '--concurrency', '1'], s.ws.env);
    expect(next.code, next.stderr).toBe(0);
    const expected = s.emulator.library.expectedMirror();
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
    const again = requests.slice(before).filter((r) => r.resource === 'playlistItems' && stop.doneLists.includes(r.query.playlistId!));
    expect(again).toEqual([]);
    // Nothing was in flight at the crash: the cost is exactly the bound.
    expect(s.emulator.quota.used).toBe(minimumUnits(expected) + verificationUnits(stop, expected.playlists.length));
  });

  it('after a videos batch: its videos are never asked for again', async () => {
    const crashed = await pullUntilCrash(s.ws, { commitsOf: 'videos', nth: 1 });
    expect(crashed.code, crashed.stderr).toBe(137);
    const firstBatch = requests.filter((r) => r.resource === 'videos').flatMap((r) => r.query.id!.split(','));
    expect(firstBatch).toHaveLength(50);
    const before = requests.length;

    const next = await runInProcess(['pull', '--concurrency', '1'], s.ws.env);
    expect(next.code, next.stderr).toBe(0);
    const expected = s.emulator.library.expectedMirror();
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
    const askedAgain = requests.slice(before).filter((r) => r.resource === 'videos').flatMap((r) => r.query.id!.split(','));
    expect(askedAgain.filter((id) => firstBatch.includes(id))).toEqual([]);
    expect(s.emulator.quota.used).toBe(minimumUnits(expected));
  });
});
