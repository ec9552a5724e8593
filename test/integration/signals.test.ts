import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestInfo } from '../fakes/youtube-emulator.js';
import { runInProcess, spawnCli } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { expectNoStackTrace, startScenario, type Scenario } from '../support/scenario.js';

/**
 * Issue 11, acceptance 2: every command honours the first SIGINT/SIGTERM (130/143) and leaves
 * no temporary file — export's `.partial` included, even when a second signal exits at once.
 */
describe(`Ctrl-C and SIGTERM, whatever the command (${TEST_DATABASE})`, () => {
  let s: Scenario;
  let out: string;

  beforeAll(async () => {
    s = await startScenario({ seed: 9, playlists: 10, items: 2000, likes: 200 });
    const pulled = await runInProcess(['pull'], s.ws.env);
    expect(pulled.code, pulled.stderr).toBe(0);
    out = await mkdtemp(path.join(os.tmpdir(), 'ytsync-export-'));
  });
  afterAll(async () => {
    await s.stop();
    await rm(out, { recursive: true, force: true });
  });

  /** Aborts the command's signal as soon as `ready()` says so (polled while it works). */
  async function interrupt(argv: string[], signal: 'SIGINT' | 'SIGTERM', ready: () => boolean) {
    const controller = new AbortController();
    const poll = setInterval(() => ready() && controller.abort(signal), 1);
    try {
      return await runInProcess(argv, s.ws.env, { signal: controller.signal });
    } finally {
      clearInterval(poll);
    }
  }

  const partials = () => readdirSync(out).filter((f) => f.endsWith('.partial'));

  it('export stopped mid-work: 130, no .partial, no backup file; 143 for SIGTERM', async () => {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const target = path.join(out, `backup-${signal}.json`);
      let seen = false;
      const result = await interrupt(['export', '--out', target], signal, () => (seen ||= partials().length > 0));
      expect(seen).toBe(true);
      expect(result.code, result.stderr).toBe(code);
      expect(result.stderr).toContain(`stopped by ${signal}`);
      expectNoStackTrace(result.stderr);
      expect(partials()).toEqual([]);
      expect(existsSync(target)).toBe(false);
    }
  });

  it('a second Ctrl-C exits at once, and still leaves no .partial behind', async () => {
    const target = path.join(out, 'twice.json');
    const { child, done } = spawnCli(['export', '--out', target], s.ws.env);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (partials().length === 0) return;
        clearInterval(poll);
        child.kill('SIGINT');
        child.kill('SIGINT');
        resolve();
      }, 1);
    });
    const result = await done;
    expect(result.code, result.stderr).toBe(130);
    expect(partials()).toEqual([]);
    expect(existsSync(target)).toBe(false);
  });

  it.each([['status'], ['status', '--json'], ['changes'], ['changes', '--json']])('%s: the first signal ends it with 130', async (...argv) => {
    const result = await interrupt(argv, 'SIGINT', () => true);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stdout).toBe('');
    expectNoStackTrace(result.stderr);
  });

  it('pull: SIGTERM ends it with 143; a signal during a retry back-off ends it at once, not after the retries', async () => {
    const controller = new AbortController();
    const onRequest = (info: RequestInfo) => info.resource === 'playlists' && controller.abort('SIGTERM');
    s.emulator.on('request', onRequest);
    const term = await runInProcess(['pull'], s.ws.env, { signal: controller.signal });
    s.emulator.off('request', onRequest);
    expect(term.code, term.stderr).toBe(143);
    expect(term.stderr).toContain('stopped by SIGTERM');

    // YouTube answers 503 again and again: the pull backs off (seconds, then tens of seconds).
    s.emulator.faults.failNext(8, '503');
    const interrupted = new AbortController();
    const onFailure = (info: RequestInfo) => info.status === 503 && interrupted.abort('SIGINT');
    s.emulator.on('request', onFailure);
    const started = Date.now();
    const backingOff = await runInProcess(['pull'], s.ws.env, { signal: interrupted.signal });
    s.emulator.off('request', onFailure);
    s.emulator.faults.clear();
    expect(backingOff.code, backingOff.stderr).toBe(130);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(backingOff.stderr).toContain('stopped by SIGINT');
    expectNoStackTrace(backingOff.stderr);
  });

  it.each([['export'], ['export', '--format', 'csv'], ['changes', '--since', '2000-01-01']])('%s | head: the reader going away ends it quietly', async (...argv) => {
    const { child, done } = spawnCli(argv, s.ws.env);
    child.stdout!.once('data', () => child.stdout!.destroy());
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/EPIPE|unexpected|\n\s+at /);
  });
});
