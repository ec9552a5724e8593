import { promises as fs } from 'node:fs';
import os from 'node:os';
import { LockedError } from '../errors.js';

interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
  command: string;
}

/**
 * An exclusive lock file for the embedded database, which only one process may open.
 * The file names its owner, so a lock left by a `kill -9` on this host is recognised as stale
 * at once (its pid is gone) instead of after a timeout, and the refusal can say who holds it.
 * (proper-lockfile judges staleness by mtime only: a pull right after a crash would be
 * refused for several seconds, and it cannot name the holder.)
 */
export class LockFile {
  private constructor(private readonly path: string) {}

  /**
   * A holder that is not a pull (status, export, changes) is short-lived: wait up to
   * `waitForShortMs` for it rather than fail a nightly pull that started during a `status`.
   */
  static async acquire(path: string, command: string, what: string, waitForShortMs = 10_000): Promise<LockFile> {
    const owner: LockOwner = { pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString(), command };
    const deadline = Date.now() + waitForShortMs;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await fs.writeFile(path, JSON.stringify(owner), { flag: 'wx', mode: 0o600 });
        return new LockFile(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readOwner(path);
      if (holder && isAlive(holder) && !holder.command.endsWith(' pull') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        attempt--;
        continue;
      }
      if (holder && isAlive(holder)) {
        throw new LockedError(
          `${what} is in use by another ytsync (${holder.command}, pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt}); try again when it has finished.`,
        );
      }
      // Stale (owner gone, or the file is unreadable half-written junk): take it over.
      // Renaming first means only one of two racing processes removes it.
      const stale = `${path}.stale.${process.pid}`;
      await fs.rename(path, stale).then(() => fs.rm(stale, { force: true }), () => undefined);
    }
    throw new LockedError(`could not take the lock ${path}; another ytsync is starting at the same time.`);
  }

  async release(): Promise<void> {
    const holder = await readOwner(this.path);
    if (holder?.pid === process.pid) await fs.rm(this.path, { force: true });
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(path, 'utf8')) as LockOwner;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  // A lock from another host (a shared home folder) cannot be checked: trust it.
  if (owner.hostname !== os.hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
