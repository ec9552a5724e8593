import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { CommandContext } from '../context.js';
import { openDatabase } from '../db/connection.js';
import { selectRows } from '../db/values.js';
import { throwIfInterrupted } from '../errors.js';
import { BackupFile } from '../export/backup-file.js';
import { CsvExportWriter } from '../export/csv-format.js';
import { JsonExportWriter } from '../export/json-format.js';
import { streamLibrary } from '../export/library-stream.js';
import { ChunkedSink } from '../export/sink.js';
import { readSubscriptions } from '../export/subscriptions.js';
import type { ExportWriter } from '../export/writer.js';

export interface ExportOptions {
  format?: 'json' | 'csv';
  out?: string;
  includeRemoved?: boolean;
}

/**
 * `ytsync export`: offline, from the database alone. To a file, see BackupFile: a failed or
 * interrupted export never leaves a half backup where the last good one was. Ctrl-C/SIGTERM
 * stop it at the next row (130/143).
 */
export async function exportCommand({ config, io }: CommandContext, options: ExportOptions): Promise<void> {
  const format = options.format ?? (options.out && path.extname(options.out).toLowerCase() === '.csv' ? 'csv' : 'json');
  const includeRemoved = options.includeRemoved ?? false;
  const database = await openDatabase(config, { pullLock: false, command: 'export' });
  let file: BackupFile | undefined;
  try {
    if (options.out) file = await BackupFile.open(options.out);
    const sink = new ChunkedSink(file?.stream ?? io.stdout);
    const writer: ExportWriter = format === 'csv' ? new CsvExportWriter(sink) : new JsonExportWriter(sink);
    const counts = { playlists: 0, items: 0, subscriptions: 0 };
    await database.db.transaction(
      async (tx) => {
        const [account] = await selectRows<{ channel_id: string; title: string | null }>(tx, sql`SELECT channel_id, title FROM account WHERE id = 1`);
        await writer.begin({
          exportedAt: new Date().toISOString(),
          account: account ? { channelId: account.channel_id, title: account.title } : null,
          includeRemoved,
        });
        for await (const event of streamLibrary(tx, { includeRemoved })) {
          throwIfInterrupted(io.signal);
          if (event.type === 'playlist') {
            counts.playlists++;
            await writer.playlist(event.playlist);
          } else {
            counts.items++;
            await writer.item(event.item);
          }
        }
        if (writer.takesSubscriptions) {
          const subscriptions = await readSubscriptions(tx, includeRemoved);
          counts.subscriptions = subscriptions.length;
          await writer.subscriptions(subscriptions);
        }
        await writer.end();
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
    const n = (value: number) => value.toLocaleString('en-US');
    const what = `${n(counts.playlists)} playlists, ${n(counts.items)} items${format === 'json' ? `, ${n(counts.subscriptions)} subscriptions` : ''}`;
    if (file) {
      await file.commit();
      io.stdout.write(`exported ${what} to ${file.target} (${format})\n`);
      file = undefined;
    } else {
      io.stderr.write(`exported ${what} (${format})\n`);
    }
  } finally {
    await file?.discard();
    await database.close();
  }
}
