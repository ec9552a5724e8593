/**
 * Peak memory of `ytsync export` on 100,000 playlist items (issue 5: target < 150 MB).
 *
 *   npx tsx bench/export.ts              # ytsync's private server, JSON and CSV
 *   npx tsx bench/export.ts --postgres   # a throwaway database on the server at YTSYNC_TEST_POSTGRES_URL
 *   npx tsx bench/export.ts --items 20000
 *
 * Fills a fresh database straight through SQL (generate_series: seconds, not a sync), then runs
 * the BUILT program (bin/ytsync.js → dist/, rebuilt first) as a child process, which reports its
 * own peak RSS at exit (bench/report-max-rss.mjs, preloaded with --import). On the private server
 * that is the program alone; the server's processes are measured by bench/pull.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig, type Env } from '../src/config.js';
import { openDatabase, type Db } from '../src/db/connection.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const onServer = args.includes('--postgres');
const itemsArg = args.indexOf('--items');
const ITEMS = itemsArg >= 0 ? Number(args[itemsArg + 1]) : 100_000;
const PLAYLISTS = 200;
const VIDEOS = Math.ceil(ITEMS * 0.7);
const LIMIT_MB = 150;
const ADMIN_URL = process.env.YTSYNC_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function fill(db: Db): Promise<void> {
  await db.execute(sql`INSERT INTO account (id, channel_id, title, likes_playlist_id) VALUES (1, 'UCbench', 'Bench ✨', 'LL')`);
  await db.execute(sql`
    INSERT INTO playlists (youtube_id, kind, title, description, privacy_status, item_count, published_at)
    SELECT 'PLbench' || g, 'playlist', 'Playlist ' || g || ' — "mix", ünïcödé 🎵', 'A playlist', 'public', 0, now() - g * interval '1 day'
      FROM generate_series(1, ${PLAYLISTS}) g`);
  // Descriptions of ~700 characters with line breaks, quotes and emoji: what makes rows heavy.
  await db.execute(sql`
    INSERT INTO videos (youtube_id, title, description, channel_id, channel_title, published_at, duration_seconds, privacy_status,
                        unavailable_reason, unavailable_since)
    SELECT 'vid' || lpad(g::text, 8, '0'),
           'Video ' || g || CASE g % 5 WHEN 0 THEN ' "quoted", with comma' WHEN 1 THEN ' 日本語タイトル 🔥' ELSE ' lofi beats' END,
           repeat('Timestamps:' || chr(10) || '00:00 intro' || chr(10) || 'https://example.com/?a=1&b=2 "ok" ☕' || chr(10), 12),
           'UCch' || (g % 300), 'Channel ' || (g % 300) || ' Café', now() - g * interval '1 hour', g % 7200, 'public',
           CASE WHEN g % 50 = 0 THEN 'deleted' WHEN g % 70 = 0 THEN 'private' END,
           CASE WHEN g % 50 = 0 OR g % 70 = 0 THEN now() END
      FROM generate_series(1, ${VIDEOS}) g`);
  await db.execute(sql`
    INSERT INTO playlist_videos (youtube_id, playlist_id, video_id, position, added_at)
    SELECT 'PLI' || g, (g % ${PLAYLISTS}) + 1, ((g::bigint * 7919) % ${VIDEOS}) + 1, g / ${PLAYLISTS}, now() - g * interval '1 minute'
      FROM generate_series(0, ${ITEMS - 1}) g`);
  await db.execute(sql`ANALYZE`);
}

function runExport(env: Env, argv: string[]): Promise<{ code: number | null; maxRssKiB: number; seconds: number; stderr: string }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', path.join(root, 'bench/report-max-rss.mjs'), path.join(root, 'bin/ytsync.js'), ...argv], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const rss = /bench-max-rss-kib=(\d+)/.exec(stderr);
      resolve({ code, maxRssKiB: rss ? Number(rss[1]) : Number.NaN, seconds: (Date.now() - started) / 1000, stderr });
    });
  });
}

async function main(): Promise<void> {
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');

  const home = await mkdtemp(path.join(os.tmpdir(), 'ytsync-bench-export-'));
  const dbName = `ytsync_bench_export_${process.pid}`;
  let env: Env = { YTSYNC_HOME: home };
  const admin = async (query: string) => {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      await client.query(query);
    } finally {
      await client.end();
    }
  };
  if (onServer) {
    await admin(`CREATE DATABASE "${dbName}"`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    env = { ...env, DATABASE_URL: url.toString() };
  }
  let failed = false;
  try {
    const fillStarted = Date.now();
    const database = await openDatabase(loadConfig(env), { pullLock: false, command: 'bench' });
    try {
      await fill(database.db);
    } finally {
      await database.close();
    }
    console.log(`${onServer ? 'postgres' : 'embedded'}: ${ITEMS.toLocaleString('en-US')} items in ${PLAYLISTS} playlists, ` +
      `${VIDEOS.toLocaleString('en-US')} videos, filled in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s`);

    // The same program opening the same database and doing next to nothing: the floor under
    // the figures below.
    const floor = await runExport(env, ['changes', '--since', '2100-01-01', '--json']);
    console.log(`baseline (changes on an empty window): exit ${floor.code}, peak RSS ${(floor.maxRssKiB / 1024).toFixed(1)} MB`);
    for (const format of ['json', 'csv'] as const) {
      const out = path.join(home, `backup.${format}`);
      const result = await runExport(env, ['export', '--format', format, '--out', out]);
      const mb = result.maxRssKiB / 1024;
      const size = (await stat(out).catch(() => ({ size: 0 }))).size / 1024 / 1024;
      console.log(`export --format ${format}: exit ${result.code}, ${result.seconds.toFixed(1)} s, file ${size.toFixed(1)} MB, ` +
        `peak RSS ${mb.toFixed(1)} MB, ${(mb - floor.maxRssKiB / 1024).toFixed(1)} MB above the baseline (target < ${LIMIT_MB} MB)`);
      if (result.code !== 0 || !(mb < LIMIT_MB)) {
        failed = true;
        process.stderr.write(result.stderr);
      }
    }
  } finally {
    if (onServer) await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await rm(home, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

await main();
