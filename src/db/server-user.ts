import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Who runs the private server. PostgreSQL refuses to run as root, and containers, NAS boxes and
 * CI run as root: then the server (initdb and postgres alike) runs as `nobody`, which exists
 * everywhere, and owns the data directory and nothing else. Anyone else runs it as themselves.
 */
export interface ServerUser {
  /** undefined: the current user (no uid switch). */
  uid: number | undefined;
  gid: number | undefined;
  name: string;
}

export function serverUser(): ServerUser {
  if (process.getuid?.() !== 0) return { uid: undefined, gid: undefined, name: 'the current user' };
  try {
    // /etc/passwd where there is one (a quick read); `id` elsewhere (macOS keeps users in a directory service).
    const line = existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:')) : undefined;
    if (line) {
      const [, , uid, gid] = line.split(':');
      return { uid: Number(uid), gid: Number(gid), name: 'nobody' };
    }
    const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g'), name: 'nobody' };
  } catch {
    throw new UsageError('PostgreSQL refuses to run as root and this system has no user "nobody" to run the private server as; run ytsync as a normal user, or set DATABASE_URL.');
  }
}

/** True when the server runs as someone other than the caller. */
export const isOtherUser = (user: ServerUser) => user.uid !== undefined;

/**
 * Lets the server user reach the data directory and own what it needs (`folders`). When the
 * data is under `home`, which holds credentials.json (0600) that the server must never read,
 * home becomes 0711: others may pass through to a name they know, not list it or read what is
 * 0600. Every other folder above the data must already let others pass (data-place.ts moves the
 * data where they do).
 */
export async function grantServerAccess(user: ServerUser, home: string, dataDir: string, folders: string[]): Promise<void> {
  if (!isOtherUser(user)) return;
  for (let dir = path.dirname(path.resolve(dataDir)); ; dir = path.dirname(dir)) {
    const stat = await fs.stat(dir);
    if (dir === path.resolve(home)) {
      if ((stat.mode & 0o711) !== 0o711) await fs.chmod(dir, (stat.mode & 0o700) | 0o711);
    } else if (!passable(user, stat)) {
      throw new UsageError(
        `PostgreSQL refuses to run as root, so ytsync runs its private server as "${user.name}", which cannot reach ${dataDir}: ${dir} does not let others pass ` +
          `(mode ${(stat.mode & 0o777).toString(8)}). Set YTSYNC_HOME to a folder under one that does (e.g. /var/lib/ytsync), run \`chmod o+x ${dir}\`, or set DATABASE_URL.`,
      );
    }
    if (path.dirname(dir) === dir) break;
  }
  for (const folder of folders) await chownTree(folder, user.uid!, user.gid!);
}

/** Whether `user` can pass through `dir` and every folder above it. */
export async function canPassThrough(user: ServerUser, dir: string): Promise<boolean> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (!passable(user, await fs.stat(d))) return false;
    if (path.dirname(d) === d) return true;
  }
}

function passable(user: ServerUser, stat: { mode: number; uid: number; gid: number }): boolean {
  return (stat.mode & 0o001) !== 0 || (stat.uid === user.uid && (stat.mode & 0o100) !== 0) || (stat.gid === user.gid && (stat.mode & 0o010) !== 0);
}

/** Makes a folder and everything in it the server user's (a copied or restored data directory is not). */
async function chownTree(folder: string, uid: number, gid: number): Promise<void> {
  const stat = await fs.lstat(folder);
  if (stat.uid === uid && stat.gid === gid) return; // already theirs: no walk on every start
  const walk = async (p: string): Promise<void> => {
    await fs.lchown(p, uid, gid);
    const s = await fs.lstat(p);
    if (!s.isDirectory()) return;
    for (const entry of await fs.readdir(p)) await walk(path.join(p, entry));
  };
  await walk(folder);
}
