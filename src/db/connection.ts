import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Config } from '../config.js';
import { LockedError, UsageError } from '../errors.js';
import { schema, type Schema } from './schema.js';
import { LockFile } from './lock-file.js';
import { isUpToDate, MIGRATIONS_FOLDER } from './migrations.js';
import { redactUrl } from '../redact.js';

/** drizzle over either backend; transactions (`tx`) are the same type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'embedded';
  /** Where the data lives, safe to print (no password). */
  location: string;
  /** Connections the backend can use at once (PGlite: 1). */
  maxConnections: number;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Take the pull lock: the second pull on one database exits 4 at once. */
  pullLock: boolean;
  /** Named in the lock so that a refused command can say who holds it. */
  command: string;
}

/** Advisory lock keys (two-int form): one namespace for ytsync, one id per purpose. */
const LOCK_NAMESPACE = 0x7974; // "yt"
const PULL_LOCK = 1;
const MIGRATE_LOCK = 2;

export async function openDatabase(config: Config, options: OpenOptions): Promise<Database> {
  return config.databaseUrl ? openServer(config.databaseUrl, options) : openEmbedded(config.embeddedDbPath, options);
}

export function describeDatabase(config: Config): { kind: 'postgres' | 'embedded'; location: string } {
  return config.databaseUrl
    ? { kind: 'postgres', location: redactUrl(config.databaseUrl) }
    : { kind: 'embedded', location: config.embeddedDbPath };
}

async function openServer(url: string, options: OpenOptions): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const location = redactUrl(url);
  const applicationName = `ytsync ${options.command} (pid ${process.pid} on ${os.hostname()})`.slice(0, 63);
  // A bounded wait for a connection: if the server goes away mid-run, commands fail with a
  // message instead of waiting forever for a pool slot a failed BEGIN never gave back.
  // synchronous_commit=off: a commit returns before its WAL reaches disk. A server crash can
  // lose the last fraction of a second of pages, never half a page (each page and its resume
  // point are one transaction), and the next pull refetches them; meanwhile a pull does not
  // wait for one disk flush per page.
  const pool = new pg.Pool({
    connectionString: url,
    max: 8,
    application_name: applicationName,
    connectionTimeoutMillis: 15_000,
    options: '-c synchronous_commit=off',
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);

  let lockClient: import('pg').PoolClient | undefined;
  try {
    lockClient = await pool.connect().catch((error: Error) => {
      throw new UsageError(`cannot connect to PostgreSQL at ${location}: ${error.message}. Check DATABASE_URL.`);
    });
    // The held connection can die with the server; its error must not crash the process.
    lockClient.on('error', () => undefined);
    if (options.pullLock) {
      const client = lockClient;
      const tryLock = async () =>
        (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [LOCK_NAMESPACE, PULL_LOCK])).rows[0]
          ?.locked === true;
      if (!(await tryLock())) {
        const holder = await lockHolder(client);
        // No holder any more: the other pull ended between the two queries. Take the lock.
        if (holder !== undefined || !(await tryLock())) {
          throw new LockedError(`another ytsync pull is running on ${location} (${holder ?? 'holder unknown'}).`);
        }
      }
    }
    const migrator = drizzle({ client: lockClient, schema }) as unknown as Db;
    if (!(await isUpToDate(migrator))) {
      // Two commands starting at once must not both create the tables.
      await lockClient.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, MIGRATE_LOCK]);
      try {
        await migrate(migrator as never, { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await lockClient.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, MIGRATE_LOCK]);
      }
    }
  } catch (error) {
    lockClient?.release(true);
    await pool.end();
    throw error;
  }
  const heldClient = lockClient;
  if (!options.pullLock) heldClient.release();

  return {
    db: drizzle({ client: pool, schema }) as unknown as Db,
    kind: 'postgres',
    location,
    maxConnections: 7,
    async close() {
      if (options.pullLock) {
        // Released before the connection goes: a server backend notices a closed socket a moment
        // later, and a pull started right after this one ends must not find the lock still held.
        // (Ending the connection releases it anyway — after kill -9 too: it is session-level.)
        await heldClient.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, PULL_LOCK]).catch(() => undefined);
        heldClient.release(true);
      }
      await pool.end();
    },
  };
}

async function lockHolder(client: import('pg').PoolClient): Promise<string | undefined> {
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

async function openEmbedded(dataDir: string, options: OpenOptions): Promise<Database> {
  await fs.mkdir(path.dirname(dataDir), { recursive: true, mode: 0o700 });
  // PGlite is one process's database: every command that opens it takes the lock, not only pull.
  const lock = await LockFile.acquire(`${dataDir}.lock`, `ytsync ${options.command}`, `the embedded database ${dataDir}`);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const client = new PGlite(dataDir);
    await client.waitReady;
    const db = drizzle({ client, schema });
    if (!(await isUpToDate(db as unknown as Db))) await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return {
      db: db as unknown as Db,
      kind: 'embedded',
      location: dataDir,
      maxConnections: 1,
      async close() {
        try {
          await client.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
