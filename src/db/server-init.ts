import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { YtsyncError, ExitCode } from '../errors.js';
import type { PrivateServerPaths } from './private-server.js';
import type { ServerBinaries } from './server-binaries.js';
import { grantServerAccess, type ServerUser } from './server-user.js';

/**
 * Written into every data directory ytsync initialises. A `$YTSYNC_HOME/db` with PG_VERSION
 * but without it was written by PGlite (ytsync 0.1.0) and is migrated, never started.
 */
export const SERVER_MARKER = 'ytsync-server.json';

/**
 * Settings of the private server (postgresql.conf, so a server started by hand behaves the
 * same). Measured in docs/BENCHMARKS.md: 16 MB of shared buffers serve a 46k-item library
 * as fast as 32 MB and keep the server's share of memory small.
 */
export const SERVER_SETTINGS: Record<string, string> = {
  listen_addresses: '', // unix socket only
  unix_socket_permissions: '0700',
  shared_buffers: '16MB',
  max_connections: '40',
  // No replication: WAL carries only what crash recovery needs.
  wal_level: 'minimal',
  max_wal_senders: '0',
  min_wal_size: '32MB',
  max_wal_size: '256MB',
  huge_pages: 'off',
  jit: 'off',
  // ytsync's connections set synchronous_commit=off themselves (connection.ts); fsync stays on.
};

const run = promisify(execFile);

/**
 * `initdb --locale=C -E UTF8`, trust authentication, into a temporary folder beside the data
 * directory, then renamed into place: two commands starting on a fresh home both initialise,
 * one rename wins and the other's folder is thrown away.
 */
export async function initDataDirectory(paths: PrivateServerPaths, binaries: ServerBinaries, user: ServerUser): Promise<void> {
  const temp = path.join(path.dirname(paths.dataDir), `.${path.basename(paths.dataDir)}.init-${process.pid}-${randomBytes(3).toString('hex')}`);
  await fs.mkdir(temp, { mode: 0o700 });
  try {
    await grantServerAccess(user, paths.home, temp, [temp]);
    const settings = Object.entries(SERVER_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
    try {
      await run(binaries.initdb, ['-D', temp, '-U', 'ytsync', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-instructions', ...settings], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', ...binaries.env },
        uid: user.uid,
        gid: user.gid,
        cwd: temp,
      });
    } catch (error) {
      const output = `${(error as { stderr?: string }).stderr ?? ''}`.trim().split('\n').slice(-2).join(' / ');
      throw new YtsyncError(`could not create the private PostgreSQL database in ${paths.dataDir}: initdb failed (${output || (error as Error).message}).`, ExitCode.failure);
    }
    const marker = path.join(temp, SERVER_MARKER);
    await fs.writeFile(marker, `${JSON.stringify({ createdBy: 'ytsync', createdAt: new Date().toISOString() })}\n`, { mode: 0o600 });
    if (user.uid !== undefined) await fs.chown(marker, user.uid, user.gid!);
    try {
      await fs.rename(temp, paths.dataDir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another command's data directory got there first: use it.
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(path.join(paths.dataDir, 'PG_VERSION'))) return;
      throw error;
    }
  } finally {
    await fs.rm(temp, { recursive: true, force: true });
  }
}

/** What is at the data directory's place. */
export function dataDirectoryKind(dataDir: string): 'absent' | 'server' | 'pglite' {
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) return 'absent';
  return existsSync(path.join(dataDir, SERVER_MARKER)) ? 'server' : 'pglite';
}
