import pg from 'pg';
import { ADMIN_URL } from './database.js';

/**
 * The server suites must run, not skip: an unreachable server fails the whole project with
 * the command that starts it.
 */
export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    // Databases left by an interrupted earlier run: their names carry the pid of the test
    // process that made them, so a run still in progress (another terminal) keeps its own.
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'ytsync_t_%'");
    for (const { datname } of rows) {
      const pid = Number(/^ytsync_t_(\d+)_/.exec(datname)?.[1]);
      if (Number.isInteger(pid) && isAlive(pid)) continue;
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${(error as Error).message}). ` +
        'Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set YTSYNC_TEST_POSTGRES_URL.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
