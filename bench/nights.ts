/**
 * Nights go by (issue 11: "state that only grows"): a library served by the emulator gets new
 * videos every night — which shifts the batches videos.list is asked in — and the real program
 * pulls it as cron would (a child process). Prints, night by night, the etag cache's rows (read
 * whole by every pull) and the pull's peak RSS: both must stay flat, not grow with the nights.
 *
 * Part of `npm run bench` (after the pulls; `--no-nights` leaves it out), or alone:
 *   npm run bench:nights -- [--nights 30] [--nights-scale 0.1] [--nights-backend embedded|postgres]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { FileCredentialStore } from '../src/auth/credential-store.js';
import { generateLibrary } from '../test/fakes/generate-library.js';
import { YouTubeEmulator } from '../test/fakes/youtube-emulator.js';
import { emulatorCredentials } from '../test/support/credentials.js';
import { emulatorEnv } from '../test/support/database.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(root, 'bin/ytsync.js');
const rssProbe = path.join(root, 'bench/report-max-rss.mjs');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const nights = Number(arg('nights', '30'));
const scale = Number(arg('nights-scale', '0.1'));
const serverUrl = process.env.DATABASE_URL ?? process.env.YTSYNC_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const backend = arg('nights-backend', 'embedded') as 'embedded' | 'postgres';

/** One pull as cron runs it; returns its peak RSS in MB. */
function pull(env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, ['--import', rssProbe, bin, 'pull', '--quiet'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      const kib = Number(/bench-max-rss-kib=(\d+)/.exec(stderr)?.[1]);
      if (code !== 0) reject(new Error(`pull exited ${code}: ${stderr}`));
      else resolve(kib / 1024);
    }),
  );
}

const library = generateLibrary({ seed: 2027, playlists: Math.round(300 * scale), items: Math.round(45_000 * scale), likes: Math.round(1_000 * scale) });
const emulator = await YouTubeEmulator.start({ library });
const home = mkdtempSync(path.join(os.tmpdir(), 'ytsync-nights-'));
let databaseUrl: string | undefined;
const admin = backend === 'postgres' ? new pg.Client({ connectionString: serverUrl }) : undefined;
try {
  if (admin) {
    await admin.connect();
    const name = `ytsync_nights_${process.pid}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  }
  await new FileCredentialStore(path.join(home, 'credentials.json')).save(emulatorCredentials(emulator));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    YTSYNC_HOME: home,
    ...emulatorEnv(emulator),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const newPerNight = Math.max(10, Math.round(500 * scale));
  const figures: Array<{ night: number; items: number; cacheRows: number; rssMb: number }> = [];
  for (let night = 1; night <= nights; night++) {
    // New uploads land in random places of the lists: every videos.list batch after them shifts.
    for (let i = 0; i < newPerNight; i++) {
      const playlist = library.playlists[(night * 7 + i) % library.playlists.length]!;
      library.addItem(playlist.id, library.addVideo({ title: `night ${night}, upload ${i}` }), (night * 13 + i * 31) % (playlist.items.length + 1));
    }
    const rssMb = await pull(env);
    const cacheRows = await countCache(env);
    figures.push({ night, items: Object.values(library.expectedMirror().items).reduce((n, l) => n + l.length, 0), cacheRows, rssMb });
    process.stderr.write(`night ${night}: ${cacheRows} etag_cache rows, peak RSS ${rssMb.toFixed(0)} MB\n`);
  }
  console.log(`\n${nights} nights, ${backend}, scale ${scale}, ${newPerNight} new videos a night`);
  console.log('| night | items | etag_cache rows | peak RSS MB |');
  console.log('|-------|-------|-----------------|-------------|');
  for (const f of figures.filter((f, i) => i < 3 || f.night % 5 === 0 || f.night === nights)) {
    console.log(`| ${f.night} | ${f.items} | ${f.cacheRows} | ${f.rssMb.toFixed(0)} |`);
  }
  const rows = figures.map((f) => f.cacheRows);
  const rss = figures.map((f) => f.rssMb);
  console.log(`etag_cache rows: first ${rows[0]}, last ${rows.at(-1)}, max ${Math.max(...rows)} (pages and batches grow with the library, ${figures[0]!.items} → ${figures.at(-1)!.items} items)`);
  console.log(`peak RSS MB: first ${rss[0]!.toFixed(0)}, last ${rss.at(-1)!.toFixed(0)}, max ${Math.max(...rss).toFixed(0)}`);
} finally {
  await emulator.stop();
  if (admin && databaseUrl) {
    await admin.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
  }
  rmSync(home, { recursive: true, force: true });
}

/** Rows of the etag cache, counted through the program's own database layer. */
async function countCache(env: NodeJS.ProcessEnv): Promise<number> {
  const { loadConfig } = await import('../src/config.js');
  const { openDatabase } = await import('../src/db/connection.js');
  const database = await openDatabase(loadConfig(env), { pullLock: false, command: 'bench' });
  try {
    const result = (await database.db.execute((await import('drizzle-orm')).sql`SELECT count(*)::int AS n FROM etag_cache`)) as unknown as { rows: Array<{ n: number }> };
    return result.rows[0]!.n;
  } finally {
    await database.close();
  }
}
