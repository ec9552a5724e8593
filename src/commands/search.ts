import type { CommandContext } from '../context.js';
import { openDatabase } from '../db/connection.js';
import { untilInterrupted, UsageError } from '../errors.js';
import { runSearch } from '../browse/search.js';
import { missingExtensionsNotice, prepareSearch } from '../browse/search-setup.js';
import { terminalOf } from '../output/cells.js';
import { guardOutput } from '../output/output-guard.js';
import { formatSearch, searchSummary } from '../output/search-text.js';

export interface SearchOptions {
  playlist?: string;
  channel?: string;
  unavailable?: boolean;
  removed?: boolean;
  limit: number;
  json?: boolean;
}

/** `ytsync search QUERY…`: offline, from the database alone (no credentials, no API client). */
export async function searchCommand({ config, io }: CommandContext, words: string[], options: SearchOptions): Promise<void> {
  // `-word` reaches here as a word (the command lets unknown options through); a mistyped
  // `--option` must not become something to look for.
  const stray = words.find((w) => /^--./u.test(w));
  if (stray) throw new UsageError(`unknown option '${stray}' (run ytsync search --help; to leave a word out, write -word).`);
  const database = await openDatabase(config, { pullLock: false, command: 'search' });
  const output = guardOutput(io.stdout);
  try {
    const say = (line: string) => io.stderr.write(`ytsync: ${line}\n`);
    const setup = await untilInterrupted(io.signal, prepareSearch(database.db, say));
    const notice = missingExtensionsNotice(setup);
    if (notice) say(`note: ${notice}`);
    const report = await untilInterrupted(
      io.signal,
      database.db.transaction(
        (tx) =>
          runSearch(
            tx,
            {
              query: words.join(' '),
              playlist: options.playlist ?? null,
              channel: options.channel ?? null,
              unavailable: options.unavailable ?? false,
              removed: options.removed ?? false,
              limit: options.limit,
            },
            setup,
            notice ? [notice] : [],
          ),
        { isolationLevel: 'repeatable read', accessMode: 'read only' },
      ),
    );
    if (options.json) {
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const text = formatSearch(report, terminalOf(io.stdout, io.env));
      if (text) io.stdout.write(`${text}\n`);
      io.stderr.write(`${searchSummary(report)}\n`);
    }
    output.check();
  } finally {
    await database.close();
  }
}
