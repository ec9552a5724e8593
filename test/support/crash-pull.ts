/**
 * `ytsync pull` (the real command, `--concurrency 1`) in a process that kills itself with
 * SIGKILL right after the COMMIT of a chosen page's transaction: a crash at an exact moment,
 * between a page's commit and whatever the program does next — wherever the program does it.
 * The harness watches the node-postgres client (test code patching the library; src/ knows
 * nothing of it): a page's transaction is one that stored playlist items (`items`) or video
 * details (`videos`).
 *
 *   node --import tsx test/support/crash-pull.ts '{"commitsOf":"items","nth":3}'
 *
 * The environment is the program's (YTSYNC_HOME, DATABASE_URL, the emulator's URLs).
 */
import pg from 'pg';
import { runPull } from '../../src/commands/pull.js';
import { loadConfig } from '../../src/config.js';
import { createReporter } from '../../src/output/reporter.js';

export interface CrashPoint {
  /** Which pages: transactions that store playlist items, or video details. */
  commitsOf: 'items' | 'videos';
  /** Die right after the nth such transaction commits. */
  nth: number;
}

const point = JSON.parse(process.argv[2] ?? '{}') as CrashPoint;
const STORES = { items: /INSERT INTO playlist_videos/i, videos: /INSERT INTO videos AS v/i }[point.commitsOf];
const textOf = (query: unknown) => (typeof query === 'string' ? query : ((query as { text?: string } | null)?.text ?? ''));

const storing = new WeakSet<object>();
let commits = 0;
const query = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const text = textOf(args[0]);
  if (/^\s*(begin|rollback)\b/i.test(text)) storing.delete(this);
  else if (STORES.test(text)) storing.add(this);
  const result = query.apply(this, args);
  if (/^\s*commit\b/i.test(text) && storing.has(this) && result instanceof Promise) {
    storing.delete(this);
    return result.then((value: unknown) => {
      if (++commits === point.nth) process.kill(process.pid, 'SIGKILL');
      return value;
    });
  }
  return result;
} as typeof pg.Client.prototype.query;

const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: new AbortController().signal };
const reporter = await createReporter(io, { quiet: true });
await runPull({ config: loadConfig(process.env), io }, { concurrency: 1, quiet: true }, reporter);
process.stderr.write('crash-pull: the pull ended without reaching its crash point\n');
process.exit(1);
