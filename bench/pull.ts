/**
 * `npm run bench`: how close a pull comes to the floor set by physics and quota.
 *
 * Generates a library (default scale 1: 300 playlists, ~45,000 items, a Liked list of 1,000),
 * serves it from the emulator with a fixed latency per request (default 20 ms), runs the real
 * program as a child process — a full pull into a fresh database, then an unchanged second
 * pull — and prints: wall time against the latency lower bound, quota units against SPEC.md's
 * minimum, 304s, peak RSS, the database's share of the wall time, and the rows the second
 * pull rewrote. Backends: ytsync's private server ("embedded") always; the user's PostgreSQL
 * server ("postgres") when DATABASE_URL is set. Memory on the private server is the CLI and the
 * server's processes together (sampled); on the user's server, the CLI alone (its server is
 * shared and not ours to count).
 *
 *   npm run bench -- [--scale 1] [--latency 20] [--concurrency 4] [--scales 0.1,0.3,1] [--backend embedded|postgres]
 *                    [--shared-buffers 32MB]   (the private server's, for comparison)
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { emulatorCredentials } from '../test/support/credentials.js';
import { FileCredentialStore } from '../src/auth/credential-store.js';
import { generateLibrary } from '../test/fakes/generate-library.js';
import type { ExpectedMirror } from '../test/fakes/library.js';
import { YouTubeEmulator } from '../test/fakes/youtube-emulator.js';
import { watchMemory } from './process-memory.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(root, 'bin/ytsync.js');
const probe = path.join(root, 'bench/db-time-probe.mjs');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const latencyMs = Number(arg('latency', '20'));
const concurrency = Number(arg('concurrency', '4'));
const scales = arg('scales', arg('scale', '1')).split(',').map(Number);
const serverUrl = process.env.DATABASE_URL;
const backends = (arg('backend', serverUrl ? 'embedded,postgres' : 'embedded')).split(',') as Array<'embedded' | 'postgres'>;
const sharedBuffers = arg('shared-buffers', '');

interface PullFigures {
  code: number;
  wallMs: number;
  units: number;
  notModified: number;
  requests: number;
  maxRssMb: number;
  /** CLI + private server, sampled: summed RSS, and PSS (shared pages counted once). */
  totalRssMb: number;
  totalPssMb: number;
  serverRssMb: number;
  dbShare: number;
  cpuShare: number;
  emulatorCpuShare: number;
  summary: { counts: Record<string, number>; changes: { itemsChanged: number; videosUpdated: number }; outcome: string };
}

function minimumUnits(expected: ExpectedMirror): { minimum: number; longestPages: number } {
  const videos = new Set(Object.values(expected.items).flat().map((i) => i.videoId));
  // A list's pages are what YouTube pages through: the Liked list's hidden private videos count.
  const pages = Object.values(expected.pagedSizes).map((n) => Math.max(1, Math.ceil(n / 50)));
  return {
    minimum: Math.max(1, Math.ceil(expected.playlists.length / 50)) + pages.reduce((a, b) => a + b, 0) + Math.ceil(videos.size / 50) + 1,
    longestPages: Math.max(...pages),
  };
}

async function runPull(env: NodeJS.ProcessEnv, emulator: YouTubeEmulator, dataDir: string | undefined): Promise<PullFigures> {
  const out = path.join(os.tmpdir(), `ytsync-bench-probe-${process.pid}-${Date.now()}.json`);
  const before = { units: emulator.quota.used, notModified: emulator.stats.notModified, requests: emulator.stats.requests };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const child = spawn(process.execPath, ['--import', probe, bin, 'pull', '--json', '--concurrency', String(concurrency)], {
    env: { ...env, YTSYNC_BENCH_PROBE_OUT: out },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const memory = watchMemory(child.pid!, dataDir);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  const peak = memory();
  const wallMs = performance.now() - started;
  const emulatorCpu = process.cpuUsage(cpuBefore);
  const probed = JSON.parse(readFileSync(out, 'utf8')) as { busyMs: number; wallMs: number; maxRssKb: number; cpuMs: number };
  rmSync(out, { force: true });
  return {
    code,
    wallMs,
    units: emulator.quota.used - before.units,
    notModified: emulator.stats.notModified - before.notModified,
    requests: emulator.stats.requests - before.requests,
    maxRssMb: probed.maxRssKb / 1024,
    totalRssMb: Math.max(peak.rssMb, probed.maxRssKb / 1024),
    totalPssMb: peak.pssMb,
    serverRssMb: peak.serverRssMb,
    dbShare: probed.busyMs / probed.wallMs,
    cpuShare: probed.cpuMs / probed.wallMs,
    emulatorCpuShare: (emulatorCpu.user + emulatorCpu.system) / 1000 / wallMs,
    summary: JSON.parse(stdout),
  };
}

async function serverDatabase(): Promise<{ url: string; drop(): Promise<void>; updates(): Promise<number> }> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const name = `ytsync_bench_${process.pid}_${Date.now() % 100000}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async updates() {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      // Statistics reach the view asynchronously; ask for a fresh snapshot.
      await c.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await c.query<{ n: string }>(
        "SELECT coalesce(sum(n_tup_upd), 0)::text AS n FROM pg_stat_user_tables WHERE relname IN ('videos', 'playlist_videos')",
      );
      await c.end();
      return Number(rows[0]!.n);
    },
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

const table: string[][] = [];
const row = (...cells: Array<string | number>) => table.push(cells.map(String));
row('backend', 'scale', 'pull', 'items', 'wall s', 'bound s', 'wall/bound', 'units', 'minimum', 'units/min', '304s', 'CLI peak RSS MB', 'CLI+server RSS MB', 'CLI+server PSS MB', 'DB share', 'client CPU', 'emulator CPU', 'rows rewritten');

for (const scale of scales) {
  const library = generateLibrary({
    seed: 2026,
    playlists: Math.round(300 * scale),
    items: Math.round(45_000 * scale),
    likes: Math.round(1_000 * scale),
    maxPlaylistSize: 5000,
  });
  const expected = library.expectedMirror();
  const totalItems = Object.values(expected.items).reduce((n, l) => n + l.length, 0);
  const { minimum, longestPages } = minimumUnits(expected);
  for (const backend of backends) {
    const emulator = await YouTubeEmulator.start({ library });
    emulator.faults.set({ latencyMs });
    const home = mkdtempSync(path.join(os.tmpdir(), 'ytsync-bench-'));
    const server = backend === 'postgres' ? await serverDatabase() : undefined;
    try {
      await new FileCredentialStore(path.join(home, 'credentials.json')).save(emulatorCredentials(emulator));
      if (!server && sharedBuffers) await presetSharedBuffers(home, sharedBuffers);
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        YTSYNC_HOME: home,
        YTSYNC_API_ROOT: emulator.url,
        YTSYNC_OAUTH_TOKEN_URL: emulator.oauthUrls.token,
        YTSYNC_OAUTH_AUTH_URL: emulator.oauthUrls.auth,
        YTSYNC_OAUTH_REVOKE_URL: emulator.oauthUrls.revoke,
        ...(server ? { DATABASE_URL: server.url } : {}),
      };
      for (const which of ['first', 'second'] as const) {
        const updatesBefore = server && which === 'second' ? await server.updates() : 0;
        const figures = await runPull(env, emulator, server ? undefined : path.join(home, 'db'));
        if (figures.code !== 0) throw new Error(`${which} pull exited ${figures.code}`);
        const bound = (latencyMs * Math.max(longestPages, figures.requests / concurrency)) / 1000;
        let rewritten = '';
        if (which === 'second') {
          const c = figures.summary.changes;
          rewritten = server
            ? `${(await server.updates()) - updatesBefore} (n_tup_upd)`
            : `${c.itemsChanged + c.videosUpdated} (upserts)`;
        }
        row(
          backend,
          scale,
          which,
          totalItems,
          (figures.wallMs / 1000).toFixed(1),
          bound.toFixed(1),
          (figures.wallMs / 1000 / bound).toFixed(2),
          figures.units,
          minimum,
          (figures.units / minimum).toFixed(2),
          figures.notModified,
          figures.maxRssMb.toFixed(0),
          server ? '' : figures.totalRssMb.toFixed(0),
          server ? '' : figures.totalPssMb.toFixed(0),
          `${(figures.dbShare * 100).toFixed(0)}%`,
          `${(figures.cpuShare * 100).toFixed(0)}%`,
          `${(figures.emulatorCpuShare * 100).toFixed(0)}%`,
          rewritten,
        );
        process.stderr.write(
          `${backend} scale ${scale} ${which}: ${(figures.wallMs / 1000).toFixed(1)} s, CLI ${figures.maxRssMb.toFixed(0)} MB, server ${figures.serverRssMb.toFixed(0)} MB\n`,
        );
      }
    } finally {
      await emulator.stop();
      await server?.drop();
      rmSync(home, { recursive: true, force: true });
    }
  }
}

/**
 * Creates the private server's data directory as the first command would, then sets its
 * shared_buffers (postgresql.conf: the last setting wins) for a side-by-side comparison.
 */
async function presetSharedBuffers(home: string, value: string): Promise<void> {
  const { loadConfig } = await import('../src/config.js');
  const { openDatabase } = await import('../src/db/connection.js');
  await (await openDatabase(loadConfig({ YTSYNC_HOME: home }), { pullLock: false, command: 'bench' })).close();
  appendFileSync(path.join(home, 'db', 'postgresql.conf'), `\nshared_buffers = ${value}\n`);
}

const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`\nlatency ${latencyMs} ms per request, concurrency ${concurrency}, ${os.cpus().length} cores, Node ${process.version}${sharedBuffers ? `, private server shared_buffers ${sharedBuffers}` : ''}`);
console.log(line(table[0]!));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of table.slice(1)) console.log(line(r));
console.log('\nDB share: wall time with a query or transaction in flight; client CPU: the program\'s user+system CPU time ÷ wall (100% = one core); emulator CPU: the same for the emulator serving it (this process).');
console.log('bound = latency × max(longest playlist\'s pages, requests ÷ concurrency); minimum = SPEC.md ceil(P/50)+Σceil(items/50)+ceil(V/50)+1');

// Then nights go by: does state that should stay flat stay flat? (bench/nights.ts)
if (!process.argv.includes('--no-nights')) await import('./nights.js');
