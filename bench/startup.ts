/**
 * Start-up speed (issues 6 and 10): median wall time of `ytsync --help` and `ytsync status --json`
 * (ytsync's private server — started and stopped by the command, or already running because
 * another command runs — and the user's server), each run as a fresh process as a user or cron
 * would; and the first run on a new machine: initdb, migrations and a first page pulled.
 * Needs `npm run build`. The server run uses YTSYNC_BENCH_POSTGRES_URL (or
 * YTSYNC_TEST_POSTGRES_URL, or postgres://postgres@127.0.0.1:5432/postgres) to create a
 * scratch database; it is skipped when no server answers.
 *
 *   npx tsx bench/startup.ts [--runs 10]
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { emulatorCredentials } from '../test/support/credentials.js';
import { FileCredentialStore } from '../src/auth/credential-store.js';
import { generateLibrary } from '../test/fakes/generate-library.js';
import { YouTubeEmulator } from '../test/fakes/youtube-emulator.js';

const BIN = fileURLToPath(new URL('../bin/ytsync.js', import.meta.url));
const DIST = new URL('../dist/', import.meta.url).href;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;
const TARGETS: Record<string, number> = {
  '--help': 300,
  'status --json (private server)': 400,
  'status --json (server)': 600,
  'first run: login seeded, pull 1 page': 3000,
};

function time(args: string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const rows: Array<{ what: string; median: number; min: number; max: number }> = [];
function measure(what: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  time(args, env); // warm the file cache
  const samples = Array.from({ length: RUNS }, () => time(args, env));
  rows.push({ what, median: median(samples), min: Math.min(...samples), max: Math.max(...samples) });
}

/** One process that times the steps of `status` on the private server. */
function privateServerBreakdown(home: string): string {
  const script = `
    const t0 = performance.now();
    const { loadConfig } = await import('${DIST}config.js');
    const { openDatabase } = await import('${DIST}db/connection.js');
    const { gatherStatus } = await import('${DIST}status/gather.js');
    const { ensureServer, privateServerPaths } = await import('${DIST}db/private-server.js');
    const t1 = performance.now();
    const config = loadConfig({ YTSYNC_HOME: ${JSON.stringify(home)} });
    await ensureServer(privateServerPaths(config.home, config.embeddedDbPath));
    const t2 = performance.now();
    const db = await openDatabase(config, { pullLock: false, command: 'bench' });
    const t3 = performance.now();
    await db.close();
    const t4 = performance.now();
    await gatherStatus(config);
    const t5 = performance.now();
    const f = (ms) => ms.toFixed(0).padStart(5) + ' ms';
    console.log([
      'import ytsync modules (cli, config, db, status)' + f(t1 - t0),
      'start the server (spawn until it answers)      ' + f(t2 - t1),
      'open: lease, migrations check                  ' + f(t3 - t2),
      'close: last command, stop the server           ' + f(t4 - t3),
      'gatherStatus (start, queries, stop)            ' + f(t5 - t4),
    ].map((l) => '  ' + l).join('\\n'));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' });
  return result.status === 0 ? result.stdout : `  (breakdown failed: ${result.stderr})`;
}

/** A new machine: no YTSYNC_HOME yet, one playlist of one page; `pull` from start to exit. */
async function firstRun(): Promise<void> {
  const emulator = await YouTubeEmulator.start({ library: generateLibrary({ seed: 3, playlists: 1, items: 20, likes: 0 }) });
  const samples: number[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      const parent = await mkdtemp(path.join(os.tmpdir(), 'ytsync-bench-first-'));
      await chmod(parent, 0o711);
      const home = path.join(parent, 'ytsync');
      // As `ytsync login` writes them: bound to the emulator's endpoints (credentials name their issuer).
      await new FileCredentialStore(path.join(home, 'credentials.json')).save(emulatorCredentials(emulator));
      const env = {
        YTSYNC_HOME: home,
        YTSYNC_API_ROOT: emulator.url,
        YTSYNC_OAUTH_TOKEN_URL: emulator.oauthUrls.token,
        YTSYNC_OAUTH_AUTH_URL: emulator.oauthUrls.auth,
        YTSYNC_OAUTH_REVOKE_URL: emulator.oauthUrls.revoke,
      };
      const start = process.hrtime.bigint();
      // Asynchronously: the emulator answering it lives in this process.
      const child = spawn(process.execPath, [BIN, 'pull', '--quiet'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: 'ignore' });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (code !== 0) throw new Error(`first pull exited ${code}`);
      await rm(parent, { recursive: true, force: true });
    }
  } finally {
    await emulator.stop();
  }
  rows.push({ what: 'first run: login seeded, pull 1 page', median: median(samples), min: Math.min(...samples), max: Math.max(...samples) });
}

async function main(): Promise<void> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'ytsync-bench-startup-'));
  await chmod(home, 0o700);
  try {
    measure('node -e 0 (baseline)', ['-e', '0']);
    measure('--help', [BIN, '--help']);
    measure('status --json (no database yet)', [BIN, 'status', '--json'], { YTSYNC_HOME: home });
    // Create and migrate the private server's database once, as the first pull would.
    const { loadConfig } = (await import(`${DIST}config.js`)) as typeof import('../src/config.js');
    const { openDatabase } = (await import(`${DIST}db/connection.js`)) as typeof import('../src/db/connection.js');
    await (await openDatabase(loadConfig({ YTSYNC_HOME: home }), { pullLock: false, command: 'bench' })).close();
    measure('status --json (private server)', [BIN, 'status', '--json'], { YTSYNC_HOME: home });
    // While another command keeps the server up (a pull running): status reuses it.
    const holder = await openDatabase(loadConfig({ YTSYNC_HOME: home }), { pullLock: false, command: 'bench' });
    try {
      measure('status --json (private, running)', [BIN, 'status', '--json'], { YTSYNC_HOME: home });
    } finally {
      await holder.close();
    }
    await firstRun();

    const adminUrl = process.env.YTSYNC_BENCH_POSTGRES_URL ?? process.env.YTSYNC_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
    const dbName = `ytsync_bench_startup_${process.pid}`;
    let serverUp = false;
    try {
      await admin.connect();
      serverUp = true;
      await admin.query(`CREATE DATABASE "${dbName}"`);
      const url = new URL(adminUrl);
      url.pathname = `/${dbName}`;
      await (await openDatabase(loadConfig({ YTSYNC_HOME: home, DATABASE_URL: url.toString() }), { pullLock: false, command: 'bench' })).close();
      measure('status --json (server)', [BIN, 'status', '--json'], { YTSYNC_HOME: home, DATABASE_URL: url.toString() });
    } catch (error) {
      console.error(`server run skipped: ${(error as Error).message}`);
    } finally {
      if (serverUp) await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
      await admin.end().catch(() => undefined);
    }

    console.log(`ytsync start-up, ${RUNS} runs each (median, min–max), ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}:`);
    for (const r of rows) {
      const target = TARGETS[r.what];
      const verdict = target === undefined ? '' : r.median <= target ? `  ok (target < ${target} ms)` : `  SLOW (target < ${target} ms)`;
      console.log(`  ${r.what.padEnd(34)}${r.median.toFixed(0).padStart(6)} ms  (${r.min.toFixed(0)}–${r.max.toFixed(0)})${verdict}`);
    }
    console.log('\nstatus on the private server, step by step (one process):');
    console.log(privateServerBreakdown(home));
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

await main();
