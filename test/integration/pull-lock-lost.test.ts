import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestInfo } from '../fakes/youtube-emulator.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { INTACT, integrity } from '../support/failures.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { expectNoStackTrace, startScenario, type Scenario } from '../support/scenario.js';

/**
 * Ends the backend that holds the pull lock, as a server admin (or a NAT, or a pooler) would:
 * from a plain connection, not through ytsync — no ytsync command starts or ends meanwhile.
 */
async function terminateLockHolder(s: Scenario): Promise<number> {
  const client = new pg.Client(s.ws.clientConfig());
  await client.connect();
  try {
    const { rows } = await client.query<{ ended: boolean }>(
      `SELECT pg_terminate_backend(l.pid) AS ended FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = 1 AND l.granted
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [0x7974],
    );
    return rows.filter((r) => r.ended).length;
  } finally {
    await client.end();
  }
}

/**
 * Issue 11, acceptance 1: the pull lock is session-level. When the server (or a NAT, or a
 * pooler) drops the session holding it, the lock is gone — the pull must notice and stop
 * cleanly within a page, so that two pulls never run at once; the next pull finishes the run.
 */
describe(`the connection holding the pull lock is lost mid-run (${TEST_DATABASE})`, () => {
  let s: Scenario;

  beforeEach(async () => {
    s = await startScenario({ seed: 23, playlists: 8, items: 700, likes: 60 });
    s.emulator.faults.set({ latencyMs: 25 });
  });
  afterEach(() => s.stop());

  it('pg_terminate_backend on it: exit 1 with a clear message within a page per worker; the next pull is exact', async () => {
    const concurrency = 2;
    let terminatedAt: number | undefined;
    let itemPages = 0;
    const terminate = (info: RequestInfo) => {
      if (info.resource !== 'playlistItems' || ++itemPages !== 3) return;
      void terminateLockHolder(s).then((ended) => {
        expect(ended).toBe(1);
        terminatedAt = itemPages;
      });
    };
    s.emulator.on('request', terminate);
    const first = await runInProcess(['pull', '--json', '--concurrency', String(concurrency)], s.ws.env);
    s.emulator.off('request', terminate);
    expect(terminatedAt).toBeDefined();
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toMatch(/lost the database connection that holds the pull lock .*two pulls never run at once.*progress is saved/i);
    expectNoStackTrace(first.stderr);
    expect(JSON.parse(first.stdout)).toMatchObject({ outcome: 'failed', exitCode: 1 });
    // Within a page: per worker, the page being written and the one already requested.
    expect(itemPages - terminatedAt!).toBeLessThanOrEqual(2 * concurrency);
    expect(s.emulator.stats.byResource.videos).toBe(0);
    await s.ws.withDb(async (db) => expect(await integrity(db)).toEqual(INTACT));
    expect(JSON.parse((await runInProcess(['status', '--json'], s.ws.env)).stdout).lastRun).toMatchObject({ outcome: 'failed', finishedAt: null });

    const second = await runInProcess(['pull', '--json'], s.ws.env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ outcome: 'complete', resumed: true });
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), s.emulator.library.expectedMirror()));
  });
});
