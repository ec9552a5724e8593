import type { CommandContext } from '../context.js';
import { openDatabase } from '../db/connection.js';
import { untilInterrupted } from '../errors.js';
import { summarizePlaylists } from '../browse/playlists-summary.js';
import { terminalOf } from '../output/cells.js';
import { guardOutput } from '../output/output-guard.js';
import { formatPlaylists } from '../output/playlists-text.js';

/** `ytsync playlists`: every list and what it holds, offline. */
export async function playlistsCommand({ config, io }: CommandContext, options: { json?: boolean }): Promise<void> {
  const database = await openDatabase(config, { pullLock: false, command: 'playlists' });
  const output = guardOutput(io.stdout);
  try {
    const report = await untilInterrupted(io.signal, summarizePlaylists(database.db));
    if (options.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else if (report.playlists.length + report.removedPlaylists.length === 0) io.stderr.write('ytsync: the mirror holds no playlists yet: run `ytsync pull`.\n');
    else io.stdout.write(`${formatPlaylists(report, terminalOf(io.stdout, io.env))}\n`);
    output.check();
  } finally {
    await database.close();
  }
}
