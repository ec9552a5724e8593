import type { CommandContext } from '../context.js';
import { openDatabase } from '../db/connection.js';
import { untilInterrupted, UsageError } from '../errors.js';
import { completeRuns, databaseNow, findPlaylists } from '../history/changes-query.js';
import { gatherChanges } from '../history/gather.js';
import { parseSince, resolveWindow, type WindowRequest } from '../history/window.js';
import { formatChangesReport } from '../output/changes-text.js';

export interface ChangesOptions {
  since?: string;
  runs?: number;
  playlist?: string;
  json?: boolean;
}

/** `ytsync changes`: offline, from the database alone (no credentials, no API client). */
export async function changesCommand({ config, io }: CommandContext, options: ChangesOptions): Promise<void> {
  if (options.since !== undefined && options.runs !== undefined) throw new UsageError('use --since or --runs, not both.');
  const request: WindowRequest =
    options.since !== undefined ? { since: parseSince(options.since) } : options.runs !== undefined ? { runs: options.runs } : {};
  const database = await openDatabase(config, { pullLock: false, command: 'changes' });
  try {
    // One snapshot: a pull writing on the server meanwhile cannot make the parts disagree.
    const report = await untilInterrupted(io.signal, database.db.transaction(
      async (tx) => {
        const now = await databaseNow(tx);
        const runs = await completeRuns(tx, ('runs' in request ? request.runs : 1) + 1);
        const window = resolveWindow(request, runs, now);
        const only = options.playlist === undefined ? null : await findPlaylists(tx, options.playlist);
        return gatherChanges(tx, window, only);
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    ));
    io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatChangesReport(report)}\n`);
  } finally {
    await database.close();
  }
}
