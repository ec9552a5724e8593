import { execFileSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What `postmaster.pid` in a data directory says, and whether to believe it. A file naming a
 * live-looking pid is no proof of a server: after a `kill -9` of the server, a reboot or a new
 * container, that pid may belong to anything, and PostgreSQL then refuses to start ("lock file
 * already exists") for good. Only a connection proves a server; this module tells a stale file
 * from a server that is starting or stopping.
 */
export interface PostmasterFile {
  pid: number;
  /** The file's whole text: removed only if it still says the same. */
  text: string;
}

export function readPostmasterFile(file: string): PostmasterFile | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    const pid = Number(text.split('\n')[0]);
    return Number.isSafeInteger(pid) && pid > 0 ? { pid, text } : { pid: 0, text };
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Is `pid` a postgres whose data directory is `dataDir`? Unknown (no way to look) counts as
 * yes: better to wait for a server that is not there than to remove a live server's lock file.
 */
export function isPostmasterOf(pid: number, dataDir: string): boolean {
  if (!isAlive(pid)) return false;
  let command: string;
  try {
    command =
      process.platform === 'linux'
        ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
        : execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  } catch {
    return isAlive(pid);
  }
  return /(^|\/)postgres\b/.test(command.trim()) && command.includes(dataDir);
}

/** The postmaster of `dataDir` per its lock file, if that process is really it. */
export function runningPostmaster(dataDir: string): number | undefined {
  const file = readPostmasterFile(path.join(dataDir, 'postmaster.pid'));
  return file && isPostmasterOf(file.pid, dataDir) ? file.pid : undefined;
}

/**
 * Removes lock files (postmaster.pid, the socket's .lock) whose pid is alive but not a server
 * of this data directory; PostgreSQL removes those of dead pids itself. Re-reads before
 * removing, so a file another command's server has just written is kept.
 */
export async function removeStaleLockFiles(dataDir: string, socketDir: string, port: number): Promise<void> {
  for (const file of [path.join(dataDir, 'postmaster.pid'), path.join(socketDir, `.s.PGSQL.${port}.lock`)]) {
    const seen = readPostmasterFile(file);
    if (!seen || !isAlive(seen.pid) || isPostmasterOf(seen.pid, dataDir)) continue;
    if (readPostmasterFile(file)?.text === seen.text) await fs.rm(file, { force: true });
  }
}

/** Waits until `pid` has exited; false if it still runs after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
