import type pg from 'pg';
import { CLIENT_LOCK, LOCK_NAMESPACE } from './lock-keys.js';
import { ensureServer, stopServer, waitForServerExit, type PrivateServerPaths } from './private-server.js';
import { finishUpgrade, migrateFromPglite } from './pglite-upgrade.js';
import { dataDirectoryKind } from './server-init.js';

/**
 * A command's share of the private server. Every ytsync command holds a *shared* advisory lock
 * (the client key) on one session for its whole life; at the end it lets go and asks for the
 * *exclusive* form without waiting. Getting it means no other ytsync command is connected —
 * then, unless someone else (psql) is connected too, the command stops the server. A command
 * killed with -9 loses its session, and with it its share, so the next command to finish
 * stops a server nobody uses.
 */
export interface ServerLease {
  session: pg.Client;
  release(): Promise<void>;
}

const ATTEMPTS = 8;

export async function openPrivateServer(paths: PrivateServerPaths, settings: pg.ClientConfig, notice: (line: string) => void): Promise<ServerLease> {
  await finishUpgrade(paths);
  if (dataDirectoryKind(paths.dataDir) === 'pglite') await migrateFromPglite(paths, notice);
  const { default: pgModule } = await import('pg');
  for (let attempt = 1; ; attempt++) {
    await ensureServer(paths);
    const session = new pgModule.Client(settings);
    // The server may stop under a command that has connected but not yet taken its share (the
    // last command was stopping it): that command waits for the server to go and starts it again.
    session.on('error', () => undefined);
    try {
      await session.connect();
      await session.query('SELECT pg_advisory_lock_shared($1, $2)', [LOCK_NAMESPACE, CLIENT_LOCK]);
    } catch (error) {
      await session.end().catch(() => undefined);
      if (attempt >= ATTEMPTS || !isServerGoingAway(error)) throw error;
      await waitForServerExit(paths);
      continue;
    }
    return { session, release: () => release(session, paths) };
  }
}

async function release(session: pg.Client, paths: PrivateServerPaths): Promise<void> {
  try {
    await session.query('SELECT pg_advisory_unlock_shared($1, $2)', [LOCK_NAMESPACE, CLIENT_LOCK]);
    const { rows } = await session.query<{ last: boolean; others: number }>(
      `SELECT pg_try_advisory_lock($1, $2) AS last,
              (SELECT count(*)::int FROM pg_stat_activity
                WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND application_name NOT LIKE 'ytsync %') AS others`,
      [LOCK_NAMESPACE, CLIENT_LOCK],
    );
    // Stopped while this session still holds the exclusive lock: no command can be inside.
    // Other ytsync connections are commands on their way out (share released, not yet
    // disconnected) or on their way in (connected, share not yet taken: they start the server
    // again), so they don't count. A psql (or any other client) keeps the server up; the next
    // ytsync command to end after it has gone stops it.
    if (rows[0]?.last && rows[0].others === 0) await stopServer(paths);
  } catch {
    // The server went away already (stopped by hand, killed): nothing left to stop.
  } finally {
    await session.end().catch(() => undefined);
  }
}

function isServerGoingAway(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  if (code === '57P01' || code === '57P02' || code === '57P03') return true;
  if (code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EPIPE') return true;
  return /terminat|shutting down|Connection ended|closed/i.test(message ?? '');
}
