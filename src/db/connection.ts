import os from 'node:os';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import type { Config } from '../config.js';
import { LockedError, UsageError } from '../errors.js';
import { LOCK_NAMESPACE, MIGRATE_LOCK, PULL_LOCK } from './lock-keys.js';
import { watchPullLock } from './lock-watch.js';
import { schema, type Schema } from './schema.js';
import { isUpToDate, MIGRATIONS_FOLDER } from './migrations.js';
import { redactUrl } from '../redact.js';
import { openPrivateServer, type ServerLease } from './server-lease.js';
import { dataDirectory, placeDataDirectory } from './data-place.js';
import { connectionConfig, privateServerPaths, psqlCommand } from './private-server.js';

/** drizzle over node-postgres; transactions (`tx`) are the same type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  /** 'postgres': the user's server (DATABASE_URL); 'embedded': ytsync's private server. */
  kind: 'postgres' | 'embedded';
  /** Where the data lives, safe to print (no password). */
  location: string;
  /** With the pull lock: aborts (with PullLockLost) if the session holding it is lost. */
  pullLockLost?: AbortSignal;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Take the pull lock: the second pull on one database exits 4 at once. */
  pullLock: boolean;
  /** Named in the lock so that a refused command can say who holds it. */
  command: string;
  /** Where a one-time notice goes (the PGlite upgrade names its backup); default stderr. */
  notice?: (line: string) => void;
}


/**
 * One driver and one code path, whether the server is the user's (DATABASE_URL) or ytsync's
 * private one; the private server only adds its lease (start on demand, stop after the last
 * command).
 */
export async function openDatabase(config: Config, options: OpenOptions): Promise<Database> {
  if (config.databaseUrl) {
    const location = redactUrl(config.databaseUrl);
    return openPooled({ connectionString: config.databaseUrl }, 'postgres', location, options, undefined, (error) =>
      new UsageError(`cannot connect to PostgreSQL at ${location}: ${error.message}. Check DATABASE_URL.`),
    );
  }
  const paths = privateServerPaths(config.home, await placeDataDirectory(config.home, config.embeddedDbPath));
  const notice = options.notice ?? ((line: string) => process.stderr.write(`ytsync: ${line}\n`));
  const lease = (settings: pg.ClientConfig) => openPrivateServer(paths, settings, notice);
  return openPooled(connectionConfig(paths), 'embedded', paths.dataDir, options, lease, (error) => error);
}

export function describeDatabase(config: Config): { kind: 'postgres' | 'embedded'; location: string; psql?: string } {
  if (config.databaseUrl) return { kind: 'postgres', location: redactUrl(config.databaseUrl) };
  const paths = privateServerPaths(config.home, dataDirectory(config.embeddedDbPath));
  return { kind: 'embedded', location: paths.dataDir, psql: psqlCommand(paths) };
}

async function openPooled(
  connection: pg.ClientConfig,
  kind: Database['kind'],
  location: string,
  options: OpenOptions,
  leaseServer: ((settings: pg.ClientConfig) => Promise<ServerLease>) | undefined,
  connectError: (error: Error) => Error,
): Promise<Database> {
  const { default: pgModule } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const applicationName = `ytsync ${options.command} (pid ${process.pid} on ${os.hostname()})`.slice(0, 63);
  // synchronous_commit=off: a commit returns before its WAL reaches disk. A crash of the server
  // (or the machine) can lose the last fraction of a second of pages, never half a page (each
  // page and its resume point are one transaction), and the next pull refetches them;
  // meanwhile a pull does not wait for one disk flush per page.
  //
  // Nothing may hang forever: TCP keepalive on both ends (a dead peer is noticed in about a
  // minute, and the server then drops the dead session's locks), and any one statement is cut
  // off after 10 minutes — far beyond anything ytsync asks (a page is milliseconds).
  const serverSide = ['synchronous_commit=off', 'statement_timeout=600000', 'tcp_keepalives_idle=30', 'tcp_keepalives_interval=10', 'tcp_keepalives_count=3'];
  const settings = {
    ...connection,
    application_name: applicationName,
    options: serverSide.map((s) => `-c ${s}`).join(' '),
    keepAlive: true,
    keepAliveInitialDelayMillis: 30_000,
  };
  // The session holds the locks: the pull lock, and the private server's client lease.
  const lease = leaseServer ? await leaseServer(settings) : undefined;
  // A bounded wait for a connection: if the server goes away mid-run, commands fail with a
  // message instead of waiting forever for a pool slot a failed BEGIN never gave back.
  const pool = new pgModule.Pool({ ...settings, max: 8, connectionTimeoutMillis: 15_000 });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);

  let session: pg.Client | undefined = lease?.session;
  try {
    if (!session) {
      session = new pgModule.Client(settings);
      session.on('error', () => undefined);
      await session.connect().catch((error: Error) => {
        throw connectError(error);
      });
    }
    if (options.pullLock) await takePullLock(session, location);
    const migrator = drizzle({ client: session, schema }) as unknown as Db;
    if (!(await isUpToDate(migrator))) {
      const { migrate } = await import('drizzle-orm/node-postgres/migrator');
      // Two commands starting at once must not both create the tables.
      await session.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, MIGRATE_LOCK]);
      try {
        await migrate(migrator as never, { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await session.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, MIGRATE_LOCK]);
      }
    }
  } catch (error) {
    await pool.end();
    if (lease) await lease.release();
    else await session?.end().catch(() => undefined);
    throw error;
  }
  // On the user's server a reader needs no session of its own once migrations are checked.
  const held = session;
  if (!lease && !options.pullLock) await held.end().catch(() => undefined);
  const watch = options.pullLock ? watchPullLock(held) : undefined;

  return {
    db: drizzle({ client: pool, schema }) as unknown as Db,
    kind,
    location,
    ...(watch ? { pullLockLost: watch.lost } : {}),
    async close() {
      watch?.stop();
      await pool.end();
      // Released before the session goes: a server backend notices a closed socket a moment
      // later, and a pull started right after this one ends must not find the lock still held.
      // (Ending the session releases it anyway — after kill -9 too: it is session-level.)
      if (options.pullLock) await held.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, PULL_LOCK]).catch(() => undefined);
      if (lease) await lease.release();
      else if (options.pullLock) await held.end().catch(() => undefined);
    },
  };
}

async function takePullLock(client: pg.Client, location: string): Promise<void> {
  const tryLock = async () =>
    (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [LOCK_NAMESPACE, PULL_LOCK])).rows[0]?.locked === true;
  if (await tryLock()) return;
  const holder = await lockHolder(client);
  // No holder any more: the other pull ended between the two queries. Take the lock.
  if (holder !== undefined || !(await tryLock())) {
    throw new LockedError(`another ytsync pull is running on ${location} (${holder ?? 'holder unknown'}).`);
  }
}

async function lockHolder(client: pg.Client): Promise<string | undefined> {
  const { rows } = await client.query<{ application_name: string; pid: number; backend_start: Date }>(
    `SELECT a.application_name, a.pid, a.backend_start
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = $2 AND l.granted
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      LIMIT 1`,
    [LOCK_NAMESPACE, PULL_LOCK],
  );
  const holder = rows[0];
  if (!holder) return undefined;
  return `${holder.application_name || `server pid ${holder.pid}`}, since ${holder.backend_start.toISOString()}`;
}
