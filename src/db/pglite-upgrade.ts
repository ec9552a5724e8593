import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, YtsyncError } from '../errors.js';
import { MIGRATIONS_FOLDER } from './migrations.js';
import { isAlive } from './postmaster.js';
import { connectionConfig, ensureServer, privateServerPaths, stopServer, type PrivateServerPaths } from './private-server.js';
import { dataDirectoryKind } from './server-init.js';

/**
 * ytsync 0.1.0 kept the default database in PGlite. The first command that opens such a
 * `$YTSYNC_HOME/db` moves it to the private server: a new data directory is made beside it,
 * filled in one transaction by a child process (pglite-copy.ts) that compares row counts per
 * table, and only then swapped in; the PGlite folder stays beside it as a backup, named in one
 * line on stderr. Until the swap the old folder is untouched in its place, so an upgrade that
 * fails or is killed costs nothing and is simply tried again.
 */
/** Written into the new data directory once the copy is committed. */
const UPGRADED = 'ytsync-upgraded-from-pglite';
const CHILD = fileURLToPath(new URL('../../dist/db/pglite-copy.js', import.meta.url));

export async function migrateFromPglite(paths: PrivateServerPaths, notice: (line: string) => void): Promise<void> {
  const staging = `${paths.dataDir}.upgrade`;
  const lock = `${paths.dataDir}.upgrade-lock`;
  // One upgrader at a time; the others wait for it. A lock naming a dead process is taken over.
  for (;;) {
    if (dataDirectoryKind(paths.dataDir) !== 'pglite') return;
    try {
      await fs.mkdir(lock);
      await fs.writeFile(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await fs.readFile(path.join(lock, 'pid'), 'utf8').catch(() => '0'));
      if (owner > 0 && owner !== process.pid && isAlive(owner)) await new Promise((resolve) => setTimeout(resolve, 200));
      else await fs.rm(lock, { recursive: true, force: true });
    }
  }
  try {
    if (dataDirectoryKind(paths.dataDir) !== 'pglite') return;
    await fs.rm(staging, { recursive: true, force: true });
    const target = privateServerPaths(paths.home, staging);
    await ensureServer(target);
    try {
      await createSchema(target);
      await copyInChild(paths.dataDir, target);
    } finally {
      await stopServer(target);
    }
    await fs.writeFile(path.join(staging, UPGRADED), `${new Date().toISOString()}\n`);
    const backup = `${paths.dataDir}.pglite-backup-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}`;
    await fs.rename(paths.dataDir, backup);
    await fs.rename(staging, paths.dataDir);
    await fs.rm(target.logFile, { force: true }); // the staging server's start and stop: nothing to keep
    notice(`upgraded the database from PGlite (ytsync 0.1.0) to ytsync's private PostgreSQL server; the old one is kept in ${backup}`);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true }).catch(() => undefined);
    if (error instanceof YtsyncError) throw error;
    throw new YtsyncError(`could not upgrade the PGlite database in ${paths.dataDir} (left as it was): ${(error as Error).message}`, ExitCode.failure);
  } finally {
    await fs.rm(lock, { recursive: true, force: true });
  }
}

/** A kill between the two renames leaves the complete new database beside the backup: put it in place. */
export async function finishUpgrade(paths: PrivateServerPaths): Promise<void> {
  const staging = `${paths.dataDir}.upgrade`;
  if (existsSync(path.join(staging, UPGRADED)) && !existsSync(paths.dataDir)) await fs.rename(staging, paths.dataDir);
}

/**
 * The last migration ytsync 0.1.0 shipped: its PGlite databases have exactly the schema of the
 * migrations up to this one. The staging server gets that schema, the copy fills it column for
 * column, and the later migrations run on the copy as on any database that is behind.
 */
const LAST_PGLITE_MIGRATION = '0002_history_triggers';

async function createSchema(target: PrivateServerPaths): Promise<void> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'ytsync-migrations-0.1-'));
  const client = new pg.Client(connectionConfig(target));
  try {
    const journal = JSON.parse(await fs.readFile(path.join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
    const last = journal.entries.findIndex((e) => e.tag === LAST_PGLITE_MIGRATION);
    journal.entries = journal.entries.slice(0, last + 1);
    await fs.mkdir(path.join(folder, 'meta'));
    await fs.writeFile(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal));
    for (const { tag } of journal.entries) await fs.copyFile(path.join(MIGRATIONS_FOLDER, `${tag}.sql`), path.join(folder, `${tag}.sql`));
    await client.connect();
    await migrate(drizzle({ client }), { migrationsFolder: folder });
  } finally {
    await client.end().catch(() => undefined);
    await fs.rm(folder, { recursive: true, force: true });
  }
}

async function copyInChild(sourceDir: string, target: PrivateServerPaths): Promise<Record<string, number>> {
  if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing (run \`npm run build\`)`);
  const child = spawn(process.execPath, [CHILD, sourceDir], {
    env: { ...process.env, YTSYNC_UPGRADE_TARGET: JSON.stringify(connectionConfig(target)) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
  if (code !== 0) throw new Error(stderr.trim().split('\n').pop() || `the copy exited ${code}`);
  return JSON.parse(stdout) as Record<string, number>;
}
