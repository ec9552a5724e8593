import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Rng } from '../fakes/rng.js';
import { spawnCli, runChild, type CliResult } from '../support/cli.js';
import { createWorkspace, emulatorEnv, TEST_DATABASE, type Workspace } from '../support/database.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { postmastersUnder, serverGone, serversUnder, testRoot } from '../support/private-server.js';
import { rows, startScenario, type Scenario } from '../support/scenario.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/connection.js';
import { sql } from 'drizzle-orm';
import { INTACT, integrity } from '../support/failures.js';

// Issue 10, acceptance 3 and 5, and the root path: ytsync's private server, run by the real
// program as child processes (the lifecycle spans processes).

const root = process.getuid?.() === 0;

/** The server's processes: the postmaster of `dataDir` and its children. */
function serverTree(dataDir: string): number[] {
  const postmasters = serversUnder(dataDir).map((s) => s.pid);
  const children = readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const ppid = Number(readFileSync(`/proc/${e}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
        return postmasters.includes(ppid);
      } catch {
        return false;
      }
    })
    .map(Number);
  return [...postmasters, ...children];
}

/**
 * The most servers that were ready at once, by the server log: each "ready to accept
 * connections" must be followed by that server's "shut down" before another is ready.
 */
function serving(logFile: string): number {
  let ready = new Set<string>();
  let most = 0;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const pid = /\[(\d+)\]/.exec(line)?.[1];
    if (!pid) continue;
    if (line.includes('database system is ready to accept connections')) ready.add(pid);
    // "database system is shut down", or "abnormal database system shutdown" (a child failed meanwhile)
    if (/database system is shut down|abnormal database system shutdown/.test(line)) ready = new Set([...ready].filter((p) => p !== pid));
    most = Math.max(most, ready.size);
  }
  return most;
}

/** The last two runs of a database, one after the other: never two pulls inside at once. */
async function expectSuccessiveRuns(env: Record<string, string | undefined>, where: string): Promise<void> {
  const database = await openDatabase(loadConfig(env), { pullLock: false, command: 'test' });
  try {
    const runs = await rows<{ started_at: Date; finished_at: Date }>(database.db, sql`SELECT started_at, finished_at FROM sync_runs ORDER BY id DESC LIMIT 2`);
    expect(runs.length, where).toBe(2);
    const [second, first] = runs.map((r) => ({ started: new Date(r.started_at).getTime(), finished: new Date(r.finished_at).getTime() }));
    expect(second!.started, `${where}: the second run started before the first finished`).toBeGreaterThanOrEqual(first!.finished);
  } finally {
    await database.close();
  }
}

describe.runIf(TEST_DATABASE === 'embedded' && process.platform === 'linux')("ytsync's private server", () => {
  let s: Scenario;
  let dataDir: string;

  beforeEach(async () => {
    s = await startScenario({ seed: 1011, playlists: 6, items: 420, likes: 70, deletedRate: 0.05, privateRate: 0.05 });
    dataDir = path.join(s.ws.home, 'db');
  });
  afterEach(() => s.stop());

  it('kill -9 of the CLI ×5 and of the CLI and its server ×5 at random moments, then pull → exact mirror, nothing left running', async () => {
    s.emulator.faults.set({ latencyMs: 8 });
    const rng = new Rng(0x10);
    const kills: string[] = [];
    let requests = 0;
    s.emulator.on('request', () => requests++);
    for (let attempt = 0; kills.length < 10 && attempt < 40; attempt++) {
      const withServer = kills.length >= 5;
      const { child, done } = spawnCli(['pull', '--concurrency', '4'], s.ws.env);
      // A random moment: during start-up (the server starting or being reused), or after a
      // random number of this pull's requests (pages being written).
      const before = requests;
      const atRequest = rng.chance(0.3) ? 0 : rng.int(1, 20);
      const delay = rng.int(20, 400);
      const moment =
        atRequest === 0
          ? new Promise<string>((resolve) => setTimeout(() => resolve(`${delay} ms after start`), delay))
          : new Promise<string>((resolve) => {
              const check = () => (requests - before >= atRequest ? resolve(`request ${atRequest}`) : setTimeout(check, 1));
              check();
            });
      const early = await Promise.race([done, moment]);
      if (typeof early !== 'string') continue; // it finished first: not a kill
      const victims = withServer ? serverTree(dataDir) : [];
      child.kill('SIGKILL');
      for (const pid of victims) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }
      const result = await done;
      expect(result.code).toBe(137);
      kills.push(`${early}${withServer ? ` with the server (${victims.length} processes)` : ''}`);
    }
    expect(kills.length).toBe(10);
    console.log(`[private server kill -9] ${kills.join('; ')}`);

    const final = await runChild(['pull', '--json'], s.ws.env);
    expect(final.code, final.stderr).toBe(0);
    expect(JSON.parse(final.stdout).outcome).toBe('complete');
    // The last command stopped the server, whoever had started it.
    expect(await serverGone(dataDir)).toBe(true);
    await s.ws.withDb(async (db) => {
      expect(await integrity(db)).toEqual(INTACT);
      expectExactMirror(await readMirror(db), s.emulator.library.expectedMirror());
    });
    expect(await serverGone(dataDir)).toBe(true);
  });

  it('50 × two commands started in the same millisecond: never two pulls, never two servers on one data directory', async () => {
    // A small library: what matters here is start-up and shut-down, 50 times. Two lanes of 25
    // rounds, each on its own home, run side by side.
    await s.stop();
    s = await startScenario({ seed: 1012, playlists: 2, items: 60, likes: 10 });
    const second = await createWorkspace(s.emulator);
    await second.seedCredentials(s.emulator);
    const pairs: Array<[string[], string[]]> = [
      [['pull'], ['pull']],
      [['pull'], ['status', '--json']],
      [['status', '--json'], ['export']],
    ];
    const outcomes = new Map<string, number>();
    let lostStarts = 0;
    let mostProcesses = 0;

    const lane = async (ws: Workspace, lane: number) => {
      for (let round = 0; round < 25; round++) {
        // Every tenth round on a fresh home: both commands race to create the data directory too.
        let env = ws.env;
        let dir = path.join(ws.home, 'db');
        let freshHome: string | undefined;
        if (round % 10 === 0) {
          freshHome = await mkdtemp(path.join(testRoot(), 'ytsync-race-'));
          await chmod(freshHome, 0o700);
          await copyFile(path.join(ws.home, 'credentials.json'), path.join(freshHome, 'credentials.json'));
          env = { ...ws.env, YTSYNC_HOME: freshHome };
          dir = path.join(freshHome, 'db');
        }
        const [a, b] = pairs[round % pairs.length]!;
        const started = [spawnCli(a, env), spawnCli(b, env)];
        let most = 0;
        let watching = true;
        const watch = (async () => {
          while (watching) {
            most = Math.max(most, postmastersUnder(dir).length);
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
        })();
        const results: CliResult[] = await Promise.all(started.map((c) => c.done));
        watching = false;
        await watch;
        const codes = results.map((r) => r.code);
        const label = `${a[0]}+${b[0]} → ${[...codes].sort().join(',')}`;
        outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
        const where = `lane ${lane} round ${round}`;
        if (a[0] === 'pull' && b[0] === 'pull') {
          // One runs, the other exits 4 at once — or, on a loaded machine, the second reached the
          // lock only after the first had finished: then the two runs did not overlap.
          expect([[0, 0], [0, 4]], `${where}: ${results.map((r) => r.stderr).join('\n---\n')}`).toContainEqual([...codes].sort());
          if (codes.every((c) => c === 0)) await expectSuccessiveRuns(env, where);
        } else {
          for (const [i, r] of results.entries()) expect([0, 4], `${where}, ${[a, b][i]!.join(' ')}: ${r.stderr}`).toContain(r.code);
          if (a[0] !== 'pull' || b[0] !== 'pull') expect(codes.filter((c) => c === 4).length).toBe(0);
        }
        // A second postmaster may be spawned by the command that lost the start race; PostgreSQL
        // turns it away (postmaster.pid) before it serves anything. Never two serve at once:
        expect(serving(`${dir}.log`), `${where}: servers on ${dir}:\n${readFileSync(`${dir}.log`, 'utf8').split('\n').slice(-40).join('\n')}`).toBeLessThanOrEqual(1);
        mostProcesses = Math.max(mostProcesses, most);
        expect(await serverGone(dir), `${where}: a server outlived both commands`).toBe(true);
        if (freshHome || round === 24) lostStarts += (await readFile(`${dir}.log`, 'utf8')).split('lock file "postmaster.pid" already exists').length - 1;
        if (freshHome) await rm(freshHome, { recursive: true, force: true });
      }
    };
    try {
      await Promise.all([lane(s.ws, 1), lane(second, 2)]);
    } finally {
      await second.cleanup();
    }
    console.log(
      `[same-millisecond pairs] ${JSON.stringify(Object.fromEntries(outcomes))}; postmasters turned away by postmaster.pid: ${lostStarts}; ` +
        `most postmaster processes seen at once on one data directory: ${mostProcesses}`,
    );
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), s.emulator.library.expectedMirror()));
  });

  it('a home whose path is too long for a unix socket: the socket goes to a short private folder', async () => {
    const parent = await mkdtemp(path.join(testRoot(), 'ytsync-long-'));
    await chmod(parent, 0o711);
    const home = path.join(parent, 'a-rather-long-folder-name-for-a-home'.repeat(2), 'ytsync');
    let socketDir: string | undefined;
    try {
      const env = { ...s.ws.env, YTSYNC_HOME: home };
      await mkdir(home, { recursive: true, mode: 0o700 });
      await chmod(path.dirname(home), 0o711);
      const exported = await runChild(['export'], env);
      expect(exported.code, exported.stderr).toBe(0);
      const report = JSON.parse((await runChild(['status', '--json'], env)).stdout);
      socketDir = /^psql -h (\S+) -U ytsync postgres$/.exec(report.database.psql)?.[1];
      expect(socketDir).toMatch(/^\/tmp\/ytsync-[0-9a-f]{16}$/);
      expect(Buffer.byteLength(`${socketDir}/.s.PGSQL.5432`)).toBeLessThan(104);
      expect((await stat(socketDir!)).mode & 0o777).toBe(0o700);
      expect(await serverGone(path.join(home, 'db'))).toBe(true);
    } finally {
      await rm(parent, { recursive: true, force: true });
      if (socketDir) await rm(socketDir, { recursive: true, force: true });
    }
  });

  it.runIf(root)('as root: the server runs as nobody, owns only its data directory, and cannot read the credentials', async () => {
    const { child, done } = spawnCli(['pull'], { ...s.ws.env, ...emulatorEnv(s.emulator) });
    s.emulator.faults.set({ latencyMs: 30 });
    await new Promise<void>((resolve) => s.emulator.once('request', () => resolve()));
    const tree = serverTree(dataDir);
    expect(tree.length).toBeGreaterThan(1);
    for (const pid of tree) expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^Uid:\s+65534\b/m);
    expect((await done).code).toBe(0);
    expect(child.exitCode).toBe(0);

    expect((await stat(s.ws.home)).mode & 0o777).toBe(0o711);
    expect((await stat(dataDir)).uid).toBe(65534);
    expect((await stat(path.join(s.ws.home, 'credentials.json'))).uid).toBe(0);
    const asNobody = (cmd: string[]) => spawnSync(cmd[0]!, cmd.slice(1), { uid: 65534, gid: 65534, encoding: 'utf8' });
    const credentials = path.join(s.ws.home, 'credentials.json');
    expect(await readFile(credentials, 'utf8')).toContain('refreshToken');
    expect(asNobody(['cat', credentials]).status).not.toBe(0);
    expect(asNobody(['ls', s.ws.home]).status).not.toBe(0); // may pass through, not list
    expect(asNobody(['ls', dataDir]).status).toBe(0);
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
  });

  it.runIf(root)("as root with a home others can't pass (root's own is 0700): the data goes under /var/lib/ytsync, linked from the home; no setup", async () => {
    const closed = await mkdtemp(path.join(testRoot(), 'ytsync-root-home-'));
    await chmod(closed, 0o700); // like /root
    const home = path.join(closed, '.config', 'ytsync');
    const env = { ...s.ws.env, YTSYNC_HOME: home };
    let place: string | undefined;
    try {
      await mkdir(home, { recursive: true, mode: 0o700 });
      await copyFile(path.join(s.ws.home, 'credentials.json'), path.join(home, 'credentials.json'));
      const pulled = await runChild(['pull'], env);
      expect(pulled.code, pulled.stderr).toBe(0);
      place = await realpath(path.join(home, 'db'));
      expect(place).toMatch(/^\/var\/lib\/ytsync\/[0-9a-f]{16}\/db$/);
      expect((await stat(place)).uid).toBe(65534);
      expect((await stat(closed)).mode & 0o777).toBe(0o700); // nothing above the home was opened up
      const report = JSON.parse((await runChild(['status', '--json'], env)).stdout);
      expect(report.database.location).toBe(place);
      expect(report.counts.items).toBeGreaterThan(0);
      await s.ws.withDb(async () => undefined);
      expect(await serverGone(place)).toBe(true);
    } finally {
      await rm(closed, { recursive: true, force: true });
      if (place) await rm(path.dirname(place), { recursive: true, force: true });
    }
  });
});
