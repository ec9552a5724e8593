import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/connection.js';
import { aMonthLater, demoLibrary } from '../../scripts/demo-library.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';

// Issue 6, acceptance 4: `npm run demo` ends with a complete mirror. The demo always uses the
// embedded database, so it runs in the embedded project only (it needs `npm run build`).

describe.runIf(TEST_DATABASE === 'embedded')('npm run demo', () => {
  it('logs in through the real CLI, pulls, and leaves an exact mirror of the demo library', async () => {
    const tsx = path.resolve('node_modules/.bin/tsx');
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(tsx, ['scripts/demo.ts', '--keep'], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: 'postgres://must-not-be-used@127.0.0.1:1/x' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('error', reject).on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    const kept = /kept in (\S+) \(YTSYNC_HOME=(\S+)\)/.exec(stdout);
    try {
      expect(code, `${stdout}\n${stderr}`).toBe(0);
      expect(stdout).toMatch(/^Logged in as .+ \(UC[\w-]+\)$/m);
      expect(stdout).toMatch(/^pull complete: /m);
      expect(stdout).toMatch(/^Mirror: +\d+ playlists/m);
      expect(stderr).toMatch(/^\S+ videos: \d+ checked$/m); // progress was visible
      // The story, browsed offline: the deleted video by its last known title.
      expect(stdout).toMatch(/^Midnight City — synthwave cover \(live at the Blue Note\)\tNeon Tapes\t.*\tdeleted \d{4}-\d\d-\d\d\t/mu);
      expect(kept).not.toBeNull();

      const env = { YTSYNC_HOME: kept![2] };
      const { library, story } = demoLibrary();
      aMonthLater(library, story);
      const expected = library.expectedMirror();
      const status = JSON.parse((await runInProcess(['status', '--json'], env)).stdout);
      const items = Object.values(expected.items).reduce((n, list) => n + list.length, 0);
      expect(status).toMatchObject({
        account: { channelId: expected.channel.id, title: expected.channel.title },
        loggedIn: true,
        database: { kind: 'embedded' },
        counts: { playlists: expected.playlists.length + 1, items, unavailableVideos: expected.unavailableVideoIds.length, removedItems: 1 },
        lastRun: { outcome: 'complete' },
        unfinishedRun: null,
      });
      const database = await openDatabase(loadConfig(env), { pullLock: false, command: 'test' });
      try {
        expectExactMirror(await readMirror(database.db), expected);
      } finally {
        await database.close();
      }
    } finally {
      if (kept) await rm(kept[1]!, { recursive: true, force: true });
    }
  });
});
