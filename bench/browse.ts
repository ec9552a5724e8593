/**
 * Speed of the browsing commands (issue 12): `search` under 100 ms of query time (p95 over 50
 * varied queries) and `show` of a 5,000-item list streamed in under 300 ms, on 100,000 videos and
 * 150,000 items (bench/browse-library.ts), on ytsync's private server and on a PostgreSQL server,
 * next to the start-up time of the process.
 *
 *   npm run bench:browse                 # both backends (the server: YTSYNC_TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/postgres)
 *   npm run bench:browse -- --embedded   # only the private server
 *
 * Query time is measured in this process, through the same functions the commands call, on an
 * open database: one read-only transaction per search (parse, compile, rank, memberships); for
 * show, the playlist's description and every item through the cursor, formatted as the plain
 * output. The process columns run the BUILT program (rebuilt first) as a child, as a user would,
 * the private server stopped in between (each command starts it and stops it again).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { prepareSearch } from '../src/browse/search-setup.js';
import { runSearch, type SearchRequest } from '../src/browse/search.js';
import { allItems, describePlaylist, liveItems } from '../src/browse/playlist-items.js';
import { loadConfig, type Env } from '../src/config.js';
import { openDatabase, type Database } from '../src/db/connection.js';
import { findPlaylists } from '../src/history/changes-query.js';
import { showWriter } from '../src/output/show-text.js';
import { fillLibrary, QUERIES, SHOW_PLAYLIST } from './browse-library.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(root, 'bin/ytsync.js');
const ADMIN_URL = process.env.YTSYNC_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RUNS = 5;
const TARGETS = { searchP95: 100, show: 300 };

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;

function request(argv: string[]): SearchRequest {
  const at = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1]! : null);
  const words = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--playlist');
  return { query: words.join(' '), playlist: at('--playlist'), channel: null, unavailable: argv.includes('--unavailable'), removed: argv.includes('--removed'), limit: 20 };
}

async function timeSearches(database: Database): Promise<{ times: number[]; slowest: string[] }> {
  const setup = await prepareSearch(database.db, () => undefined);
  const once = (argv: string[]) =>
    database.db.transaction((tx) => runSearch(tx, request(argv), setup, []), { isolationLevel: 'repeatable read', accessMode: 'read only' });
  const perQuery: Array<{ query: string; ms: number; total: number }> = [];
  for (const argv of QUERIES) {
    const { total } = await once(argv); // warm: the first run reads the index from disk
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      await once(argv);
      samples.push(ms(start));
    }
    perQuery.push({ query: argv.join(' '), ms: median(samples), total });
  }
  const slowest = [...perQuery].sort((a, b) => b.ms - a.ms).slice(0, 3).map((q) => `${q.query} (${q.total} hits, ${q.ms.toFixed(1)} ms)`);
  return { times: perQuery.map((q) => q.ms), slowest };
}

async function timeShow(database: Database, withRemoved: boolean): Promise<{ ms: number; firstItemMs: number; items: number }> {
  const samples: Array<{ ms: number; firstItemMs: number; items: number }> = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = process.hrtime.bigint();
    let firstItemMs = 0;
    let items = 0;
    let bytes = 0;
    await database.db.transaction(
      async (tx) => {
        const [ref] = await findPlaylists(tx, SHOW_PLAYLIST);
        const writer = showWriter(await describePlaylist(tx, ref!), { tty: false, marks: false, columns: 100 }, withRemoved);
        for await (const item of withRemoved ? await allItems(tx, ref!) : liveItems(tx, ref!)) {
          bytes += writer.item(item).length;
          if (items++ === 0) firstItemMs = ms(start);
        }
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
    if (i > 0 && bytes > 0) samples.push({ ms: ms(start), firstItemMs, items });
  }
  const mid = median(samples.map((s) => s.ms));
  return samples.find((s) => s.ms === mid)!;
}

/** Median wall time of the built program as a child process. */
function processMs(argv: string[], env: Env): number {
  const samples: number[] = [];
  for (let i = 0; i <= 3; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [BIN, ...argv], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0) throw new Error(`ytsync ${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
    if (i > 0) samples.push(ms(start));
  }
  return median(samples);
}

interface Row {
  backend: string;
  fillS: number;
  search: { times: number[]; slowest: string[] };
  show: { ms: number; firstItemMs: number; items: number };
  showAll: { ms: number; firstItemMs: number; items: number };
  startup: number;
  searchProcess: number;
  showProcess: number;
}

async function measure(backend: 'embedded' | 'postgres'): Promise<Row> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'ytsync-bench-browse-'));
  const dbName = `ytsync_bench_browse_${process.pid}`;
  const admin = async (query: string) => {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    await client.query(query).finally(() => client.end());
  };
  let env: Env = { YTSYNC_HOME: home };
  if (backend === 'postgres') {
    await admin(`CREATE DATABASE "${dbName}"`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    env = { ...env, DATABASE_URL: url.toString() };
  }
  try {
    let database = await openDatabase(loadConfig(env), { pullLock: false, command: 'bench' });
    const filling = process.hrtime.bigint();
    try {
      await fillLibrary(database.db);
    } finally {
      await database.close();
    }
    const fillS = ms(filling) / 1000;
    database = await openDatabase(loadConfig(env), { pullLock: false, command: 'bench' });
    let row: Omit<Row, 'startup' | 'searchProcess' | 'showProcess'>;
    try {
      row = { backend, fillS, search: await timeSearches(database), show: await timeShow(database, false), showAll: await timeShow(database, true) };
    } finally {
      await database.close();
    }
    return {
      ...row,
      startup: processMs(['--help'], env),
      searchProcess: processMs(['search', 'lofi', 'beats', '--json'], env),
      showProcess: processMs(['show', SHOW_PLAYLIST, '--json'], env),
    };
  } finally {
    if (backend === 'postgres') await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}

function report(rows: Row[]): boolean {
  const f = (n: number) => n.toFixed(n < 10 ? 1 : 0);
  const header = ['backend', 'fill s', 'search p50', 'search p95', 'search max', 'show 5,000', 'first item', 'show --all', '--help', 'search (process)', 'show (process)'];
  const lines = rows.map((r) => [
    r.backend,
    r.fillS.toFixed(0),
    f(percentile(r.search.times, 50)),
    f(percentile(r.search.times, 95)),
    f(Math.max(...r.search.times)),
    `${f(r.show.ms)} (${r.show.items})`,
    f(r.show.firstItemMs),
    `${f(r.showAll.ms)} (${r.showAll.items})`,
    f(r.startup),
    f(r.searchProcess),
    f(r.showProcess),
  ]);
  console.log(`ytsync browsing on 100,000 videos / 150,000 items, ms (median of ${RUNS} runs each), ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}:\n`);
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const line of lines) console.log(`| ${line.join(' | ')} |`);
  let ok = true;
  for (const r of rows) {
    const p95 = percentile(r.search.times, 95);
    const verdicts = [
      `search p95 ${f(p95)} ms ${p95 < TARGETS.searchP95 ? 'ok' : 'SLOW'} (target < ${TARGETS.searchP95} ms)`,
      `show 5,000 ${f(r.show.ms)} ms ${r.show.ms < TARGETS.show ? 'ok' : 'SLOW'} (target < ${TARGETS.show} ms)`,
    ];
    ok &&= p95 < TARGETS.searchP95 && r.show.ms < TARGETS.show;
    console.log(`\n${r.backend}: ${verdicts.join('; ')}\n  slowest searches: ${r.search.slowest.join('; ')}`);
  }
  return ok;
}

const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) throw new Error('build failed');
const backends: Array<'embedded' | 'postgres'> = process.argv.includes('--embedded') ? ['embedded'] : process.argv.includes('--postgres') ? ['postgres'] : ['embedded', 'postgres'];
const rows: Row[] = [];
for (const backend of backends) rows.push(await measure(backend));
if (!report(rows)) process.exitCode = 1;
