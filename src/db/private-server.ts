import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, openSync, closeSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { YtsyncError, ExitCode } from '../errors.js';
import { isAlive, readPostmasterFile, removeStaleLockFiles, runningPostmaster, waitForExit } from './postmaster.js';
import { binariesFor, locateServerBinaries, type ServerBinaries } from './server-binaries.js';
import { grantServerAccess, serverUser, type ServerUser } from './server-user.js';
import { initDataDirectory } from './server-init.js';

/**
 * The private PostgreSQL server behind the default database: ytsync's own, on a unix socket
 * only, started on demand by the first command that needs it, shared by every command that
 * runs meanwhile (a `status` during a `pull` sees live data), and stopped by the last one
 * (see connection.ts for who is last). It runs detached, in a session of its own: a Ctrl-C or
 * `kill -9` of the command never catches it mid-write.
 */
export interface PrivateServerPaths {
  home: string;
  dataDir: string;
  socketDir: string;
  logFile: string;
  /** Library links go here when the binaries' own folder is read-only. */
  spareLibFolder: string;
}

export const SERVER_PORT = 5432; // only names the socket file: nothing listens on TCP
export const SERVER_ROLE = 'ytsync';
export const SERVER_DATABASE = 'postgres';

/**
 * A unix socket path holds at most 103 bytes on macOS (107 on Linux): the socket goes inside the
 * data directory when it fits, else into a short private folder named after the data directory.
 */
export function privateServerPaths(home: string, dataDir: string): PrivateServerPaths {
  const socketInDataDir = `${dataDir}/.s.PGSQL.${SERVER_PORT}`;
  const socketDir =
    Buffer.byteLength(socketInDataDir) <= 100 ? dataDir : path.join('/tmp', `ytsync-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`);
  // Library links the server loads sit beside its data, where it can reach them (data-place.ts).
  return { home, dataDir, socketDir, logFile: `${dataDir}.log`, spareLibFolder: path.join(path.dirname(dataDir), 'server-lib') };
}

export function connectionConfig(paths: PrivateServerPaths): pg.ClientConfig {
  return { host: paths.socketDir, port: SERVER_PORT, user: SERVER_ROLE, database: SERVER_DATABASE };
}

/** The command a person types to look inside (printed by `ytsync status`). */
export function psqlCommand(paths: PrivateServerPaths): string {
  const quote = (s: string) => (/^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return `psql -h ${quote(paths.socketDir)} -U ${SERVER_ROLE} ${SERVER_DATABASE}`;
}

/** The server cannot start or be reached: says why (the log's last lines) and where the log is. */
export class ServerStartError extends YtsyncError {
  constructor(message: string) {
    super(message, ExitCode.failure);
  }
}

/**
 * Makes sure a server answers on the socket: reuses a running one, else initialises the data
 * directory if there is none and starts one. Race-free: the data directory appears by an atomic
 * rename, and PostgreSQL's own postmaster.pid (and its shared-memory interlock) let only one
 * server run on a data directory — a command whose server lost that race uses the winner's.
 */
export async function ensureServer(paths: PrivateServerPaths, timeoutMs = 60_000): Promise<void> {
  const { default: pgModule } = await import('pg');
  if ((await probe(pgModule, paths)) === 'ready') return;

  const user = serverUser();
  await fs.mkdir(paths.home, { recursive: true, mode: 0o700 });
  await fs.mkdir(path.dirname(paths.dataDir), { recursive: true, mode: 0o711 });
  await grantServerAccess(user, paths.home, paths.dataDir, []);
  const binaries = await binariesFor(user, await locateServerBinaries(paths.spareLibFolder));
  if (!existsSync(path.join(paths.dataDir, 'PG_VERSION'))) await initDataDirectory(paths, binaries, user);
  await grantServerAccess(user, paths.home, paths.dataDir, [paths.dataDir]);
  await prepareSocketDir(paths, user);

  const deadline = Date.now() + timeoutMs;
  let starts = 0;
  let lastExit: string | undefined;
  for (;;) {
    const state = await probe(pgModule, paths);
    if (state === 'ready') return;
    if (Date.now() > deadline) throw startFailure(paths, lastExit ?? 'it did not accept connections in time');
    const running = runningPostmaster(paths.dataDir);
    if (running !== undefined) {
      // Starting up, or shutting down after the last command: wait for either to finish.
      await sleep(state === 'shutting-down' ? 20 : 10);
      continue;
    }
    if (starts >= 5) throw startFailure(paths, lastExit ?? 'it stopped right after starting');
    starts++;
    await removeStaleLockFiles(paths.dataDir, paths.socketDir, SERVER_PORT);
    const exit = await startPostmaster(paths, binaries, user, () => probe(pgModule, paths));
    if (exit !== undefined) {
      lastExit = exit;
      // Another command's server may have won the race for the data directory; else retry soon
      // (after a kill -9 of the server its old processes can hold shared memory for a moment).
      await sleep(50 * starts);
    }
  }
}

type ProbeState = 'ready' | 'absent' | 'starting' | 'shutting-down';

/** One connection attempt: the only proof that a server is there and usable. */
async function probe(pgModule: typeof pg, paths: PrivateServerPaths): Promise<ProbeState> {
  if (!existsSync(path.join(paths.socketDir, `.s.PGSQL.${SERVER_PORT}`))) return 'absent';
  const client = new pgModule.Client({ ...connectionConfig(paths), connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return 'ready';
  } catch (error) {
    const message = (error as Error).message;
    if (/starting up|recovery/.test(message)) return 'starting';
    if (/shutting down/.test(message)) return 'shutting-down';
    return 'absent';
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Spawns the postmaster detached, its output appended to the log. Resolves once it answers
 * (undefined) or has exited (why, from the log).
 */
async function startPostmaster(
  paths: PrivateServerPaths,
  binaries: ServerBinaries,
  user: ServerUser,
  ready: () => Promise<ProbeState>,
): Promise<string | undefined> {
  await trimLog(paths.logFile);
  const logFd = openSync(paths.logFile, 'a', 0o600);
  const logStart = statSync(paths.logFile).size;
  let exited: string | undefined;
  try {
    const child = spawn(binaries.postgres, ['-D', paths.dataDir, '-c', `unix_socket_directories=${paths.socketDir}`, '-c', `port=${SERVER_PORT}`], {
      cwd: paths.dataDir,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', ...binaries.env },
      uid: user.uid,
      gid: user.gid,
    });
    child.unref();
    let done = false;
    child.once('exit', (code, signal) => {
      done = true;
      exited = `exit ${code ?? signal}`;
    });
    child.once('error', (error) => {
      done = true;
      exited = error.message;
    });
    while (!done) {
      const state = await ready();
      if (state === 'ready' || state === 'shutting-down') return undefined;
      await sleep(10);
    }
  } finally {
    closeSync(logFd);
  }
  return `${exited}: ${logTail(paths.logFile, logStart)}`;
}

/** The log grows by a few lines per start; keep it from growing for years. */
async function trimLog(logFile: string): Promise<void> {
  try {
    if ((await fs.stat(logFile)).size > 1_000_000) await fs.rename(logFile, `${logFile}.old`);
  } catch {
    // no log yet
  }
}

function logTail(logFile: string, from: number): string {
  try {
    const text = readFileSync(logFile, 'utf8').slice(from);
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    return lines.slice(-3).join(' / ') || 'no output';
  } catch {
    return 'no log';
  }
}

function startFailure(paths: PrivateServerPaths, why: string): ServerStartError {
  return new ServerStartError(`the private PostgreSQL server in ${paths.dataDir} did not start (${why}); its log is ${paths.logFile}.`);
}

/** The short socket folder (when the data directory's path is too long): the server user's, 0700. */
async function prepareSocketDir(paths: PrivateServerPaths, user: ServerUser): Promise<void> {
  if (paths.socketDir === paths.dataDir) return;
  await fs.mkdir(paths.socketDir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const stat = await fs.lstat(paths.socketDir);
  const owner = user.uid ?? process.getuid?.();
  if (stat.uid !== owner && user.uid !== undefined && stat.uid === process.getuid?.()) await fs.chown(paths.socketDir, user.uid, user.gid!);
  const checked = await fs.lstat(paths.socketDir);
  if (!checked.isDirectory() || checked.uid !== owner || (checked.mode & 0o077) !== 0) {
    throw new ServerStartError(`the socket folder ${paths.socketDir} is not private to the server's user; remove it and try again.`);
  }
}

/**
 * Stops the server at once (fast shutdown: open transactions roll back, then a checkpoint) and
 * waits for it to exit. Called by the last ytsync command, while it holds the exclusive client
 * lock, so no other command is inside.
 */
export async function stopServer(paths: PrivateServerPaths, waitMs = 10_000): Promise<void> {
  const pid = runningPostmaster(paths.dataDir);
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  await waitForExit(pid, waitMs);
}

/** After a command was turned away by a server on its way down: wait until it is gone. */
export async function waitForServerExit(paths: PrivateServerPaths, waitMs = 15_000): Promise<void> {
  const file = readPostmasterFile(path.join(paths.dataDir, 'postmaster.pid'));
  if (file && isAlive(file.pid)) await waitForExit(file.pid, waitMs);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
