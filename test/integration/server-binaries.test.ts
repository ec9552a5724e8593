import { spawnSync } from 'node:child_process';
import { chmod, chown, cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installedNativeFolder, locateServerBinaries } from '../../src/db/server-binaries.js';
import { TEST_DATABASE } from '../support/database.js';

// Issue 10, install: npm installs that skip dependency scripts (--ignore-scripts, npm's approval
// of install scripts) leave out the library links the platform package's postinstall makes; the
// server then cannot load libicu. ytsync repairs them at first use.

const root = process.getuid?.() === 0;

describe.runIf(TEST_DATABASE === 'embedded' && process.platform !== 'win32')('the private server binaries without their install script', () => {
  let dir: string;
  let native: string;

  /** A copy of the platform package as `npm install --ignore-scripts` leaves it. */
  async function unlinkedCopy(): Promise<void> {
    await rm(path.join(dir, 'pkg'), { recursive: true, force: true });
    await cp(path.dirname(installedNativeFolder()), path.join(dir, 'pkg'), { recursive: true, verbatimSymlinks: true });
    native = path.join(dir, 'pkg', 'native');
    const links = JSON.parse(await readFile(path.join(native, 'pg-symlinks.json'), 'utf8')) as Array<{ target: string }>;
    for (const link of links) await rm(path.join(dir, 'pkg', link.target), { force: true });
  }
  const version = (env: Record<string, string> = {}) =>
    spawnSync(path.join(native, 'bin', 'postgres'), ['--version'], { env: { ...env, PATH: process.env.PATH }, encoding: 'utf8' });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ytsync-binaries-'));
    await chmod(dir, 0o755);
    await unlinkedCopy();
  });
  afterEach(async () => {
    await chmod(dir, 0o755);
    await chmod(path.join(native, 'lib'), 0o755).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('makes the missing links in the package folder', async () => {
    expect(version().status).not.toBe(0);
    expect(version().stderr).toMatch(/error while loading shared libraries|Library not loaded/);
    const binaries = await locateServerBinaries(path.join(dir, 'spare'), native);
    expect(binaries.env).toEqual({});
    expect(version().stdout).toMatch(/PostgreSQL\) 17\./);
  });

  it('puts them in a folder of its own when the package folder is read-only, and says what to run when it cannot', async () => {
    const spare = path.join(dir, 'spare');
    let result: { env: Record<string, string> } | { error: string };
    // root writes anywhere: the read-only case is played by nobody, who may not reach this clone
    // (a clone in a 0700 folder): it runs a copy of dist/ (built-in imports only) from `dir`.
    const dist = path.join(dir, 'dist');
    await cp(new URL('../../dist', import.meta.url), dist, { recursive: true });
    const module = pathToFileURL(path.join(dist, 'db', 'server-binaries.js')).href;
    const locate = (spareFolder: string) => {
      const script = `import(${JSON.stringify(module)}).then((m) => m.locateServerBinaries(${JSON.stringify(spareFolder)}, ${JSON.stringify(native)}))
        .then((b) => console.log(JSON.stringify({ env: b.env })), (e) => console.log(JSON.stringify({ error: e.message })))`;
      const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        ...(root ? { uid: 65534, gid: 65534 } : {}),
      });
      return JSON.parse(out.stdout) as typeof result;
    };
    await chmod(path.join(native, 'lib'), 0o555);
    await mkdir(spare, { mode: 0o755 });
    if (root) await chown(spare, 65534, 65534);
    result = locate(spare);
    expect(result).toEqual({ env: { LD_LIBRARY_PATH: spare } });
    expect(version((result as { env: Record<string, string> }).env).stdout).toMatch(/PostgreSQL\) 17\./);

    await rm(spare, { recursive: true });
    await chmod(dir, 0o555);
    result = locate(spare);
    await chmod(dir, 0o755);
    expect((result as { error: string }).error).toMatch(new RegExp(`run \`cd ${path.join(dir, 'pkg')} && node scripts/hydrate-symlinks.js\``));
  });
});
