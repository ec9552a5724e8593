import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';

/**
 * A backup file written under a temporary name next to its target and moved into place only
 * when complete and on disk: a failed or interrupted export never replaces the last good backup,
 * a crash right after the rename never leaves an empty one (fsync of the file, then of the
 * folder), and the temporary file goes away however the export ends — even when a second Ctrl-C
 * exits the process at once (a synchronous 'exit' hook).
 */
export class BackupFile {
  private readonly removeOnExit = () => rmSync(this.temp, { force: true });

  private constructor(
    readonly stream: WriteStream,
    private readonly temp: string,
    readonly target: string,
  ) {
    process.on('exit', this.removeOnExit);
  }

  static async open(target: string): Promise<BackupFile> {
    const resolved = path.resolve(target);
    const temp = path.join(path.dirname(resolved), `.${path.basename(resolved)}.${process.pid}.partial`);
    const stream = createWriteStream(temp, { flags: 'wx' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error) => reject(new UsageError(`cannot write ${target}: ${error.message}`)));
    });
    return new BackupFile(stream, temp, resolved);
  }

  /** Flushes, syncs and renames the file into place. */
  async commit(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
    await syncPath(this.temp);
    await rename(this.temp, this.target);
    await syncPath(path.dirname(this.target)).catch(() => undefined); // not every file system syncs folders
    process.off('exit', this.removeOnExit);
  }

  /** Drops the unfinished file. */
  async discard(): Promise<void> {
    this.stream.destroy();
    await rm(this.temp, { force: true });
    process.off('exit', this.removeOnExit);
  }
}

async function syncPath(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
