import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/connection.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { closedPort } from '../support/ports.js';
import { startScenario, type Scenario } from '../support/scenario.js';

/** Issue 11: `pull --json` prints exactly one JSON document, whatever the exit code. */
describe(`pull --json always prints one document (${TEST_DATABASE})`, () => {
  let s: Scenario;

  beforeEach(async () => {
    s = await startScenario({ seed: 4, playlists: 3, items: 60, likes: 10 });
  });
  afterEach(() => s.stop());

  async function document(env: Record<string, string | undefined>) {
    const result = await runInProcess(['pull', '--json'], env);
    // One document, nothing else on stdout (the human message is on stderr).
    return { code: result.code, doc: JSON.parse(result.stdout) as Record<string, unknown>, stderr: result.stderr };
  }

  it('complete (0), quota (75), not logged in (3), locked (4), bad database (2)', async () => {
    expect((await document(s.ws.env)).doc).toMatchObject({ outcome: 'complete', exitCode: 0 });

    s.emulator.quota.setLimit(s.emulator.quota.used + 1);
    const quota = await document(s.ws.env);
    expect(quota.code).toBe(75);
    expect(quota.doc).toMatchObject({ outcome: 'quota', exitCode: 75, error: expect.stringMatching(/quota.*progress is saved/), counts: expect.any(Object) });

    const held = await openDatabase(loadConfig(s.ws.env), { pullLock: true, command: 'pull' });
    try {
      const locked = await document(s.ws.env);
      expect(locked.code).toBe(4);
      expect(locked.doc).toEqual({ outcome: 'failed', exitCode: 4, error: expect.stringMatching(/another ytsync|in use by another/) });
    } finally {
      await held.close();
    }

    const badDatabase = await document({ ...s.ws.env, DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/ytsync` });
    expect(badDatabase.code).toBe(2);
    expect(badDatabase.doc).toMatchObject({ outcome: 'failed', exitCode: 2, error: expect.stringMatching(/cannot connect/) });

    await rm(path.join(s.ws.home, 'credentials.json'));
    const loggedOut = await document(s.ws.env);
    expect(loggedOut.code).toBe(3);
    expect(loggedOut.doc).toEqual({ outcome: 'failed', exitCode: 3, error: expect.stringMatching(/ytsync login/) });
  });

  it('a Google account without a YouTube channel: exit 1, one line that says so', async () => {
    s.emulator.library.hasChannel = false;
    const { code, doc, stderr } = await document(s.ws.env);
    expect(code).toBe(1);
    expect(doc).toEqual({ outcome: 'failed', exitCode: 1, error: 'this Google account has no YouTube channel, so it has no playlists to mirror.' });
    expect(stderr).toContain('ytsync: this Google account has no YouTube channel');
    expect(stderr).not.toMatch(/unexpected|\n\s+at /);
  });
});
