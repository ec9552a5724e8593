import { createHash } from 'node:crypto';
import { existsSync, lstatSync, promises as fs, readlinkSync } from 'node:fs';
import path from 'node:path';
import { canPassThrough, isOtherUser, serverUser } from './server-user.js';

/**
 * Where the private server keeps its data: `$YTSYNC_HOME/db`. Except when the server must run
 * as another user (ytsync runs as root: containers, NAS boxes, CI) and a folder above
 * `$YTSYNC_HOME` does not let others pass — root's own home is 0700, so the default
 * `/root/.config/ytsync` is out of reach: then the data goes under /var/lib/ytsync (a folder per
 * YTSYNC_HOME) and `$YTSYNC_HOME/db` becomes a symbolic link to it. Nobody has to set anything up.
 */
export const RELOCATED_ROOT = '/var/lib/ytsync';

/**
 * RELOCATED_ROOT, made if need be: 0711, so the server's user passes through it to its own
 * folders (data, binaries) without seeing what else is there.
 */
export async function relocatedRoot(): Promise<string> {
  await fs.mkdir(RELOCATED_ROOT, { recursive: true, mode: 0o711 });
  await fs.chmod(RELOCATED_ROOT, 0o711);
  return RELOCATED_ROOT;
}

/** The data directory: the link's target when `$YTSYNC_HOME/db` is a link (made by placeDataDirectory). */
export function dataDirectory(configured: string): string {
  try {
    if (lstatSync(configured).isSymbolicLink()) return path.resolve(path.dirname(configured), readlinkSync(configured));
  } catch {
    // Not there yet: it will be where it is configured, or placed by placeDataDirectory.
  }
  return configured;
}

/** Decides (once, before the first initdb) where the data goes, and returns that place. */
export async function placeDataDirectory(home: string, configured: string): Promise<string> {
  const current = dataDirectory(configured);
  if (current !== configured || existsSync(configured)) return current;
  const user = serverUser();
  if (!isOtherUser(user) || (await canPassThrough(user, path.dirname(path.resolve(home))))) return configured;
  const place = path.join(await relocatedRoot(), createHash('sha256').update(path.resolve(home)).digest('hex').slice(0, 16));
  await fs.mkdir(place, { recursive: true, mode: 0o711 });
  await fs.chmod(place, 0o711);
  await fs.mkdir(home, { recursive: true, mode: 0o700 });
  const relocated = path.join(place, 'db');
  try {
    await fs.symlink(relocated, configured);
  } catch (error) {
    // Another command placed it at the same moment: the same place, by the same rule.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return dataDirectory(configured);
}
