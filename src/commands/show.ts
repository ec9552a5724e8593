import type { CommandContext } from '../context.js';
import { openDatabase } from '../db/connection.js';
import { throwIfInterrupted } from '../errors.js';
import { findPlaylists } from '../history/changes-query.js';
import { allItems, describePlaylist, liveItems, type ShownItem } from '../browse/playlist-items.js';
import { terminalOf } from '../output/cells.js';
import { guardOutput } from '../output/output-guard.js';
import { showJsonWriter } from '../output/show-json.js';
import { showWriter } from '../output/show-text.js';

/**
 * `ytsync show PLAYLIST [--all]`: one list's items in order, offline. Items are written as
 * they are read (a cursor), so the first lines of a long list come at once; `--json` is one
 * document all the same, its `items` written one by one.
 */
export async function showCommand({ config, io }: CommandContext, playlist: string, options: { all?: boolean; json?: boolean }): Promise<void> {
  const database = await openDatabase(config, { pullLock: false, command: 'show' });
  const output = guardOutput(io.stdout);
  try {
    await database.db.transaction(
      async (tx) => {
        const [ref] = await findPlaylists(tx, playlist);
        const shown = await describePlaylist(tx, ref!);
        const items: AsyncIterable<ShownItem> | ShownItem[] = options.all ? await allItems(tx, ref!) : liveItems(tx, ref!);
        const writer = options.json
          ? showJsonWriter(shown, options.all === true)
          : showWriter(shown, terminalOf(io.stdout, io.env), options.all === true);
        io.stdout.write(writer.heading());
        for await (const item of items) {
          throwIfInterrupted(io.signal);
          if (output.closed) return;
          io.stdout.write(writer.item(item));
        }
        io.stdout.write(writer.end());
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
    output.check();
  } finally {
    await database.close();
  }
}
