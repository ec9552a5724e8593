import type { Io, OutputStream } from '../context.js';
import type { StoredPage, SyncReporter } from '../sync/run-control.js';

/**
 * Progress for people and for cron. On a TTY: an ora spinner whose text is the latest
 * progress, events printed above it. Without a TTY: one plain line per event (no ANSI codes,
 * no spinner frames) and a progress line at most every `plainProgressEveryMs`.
 * Everything goes to stderr, so stdout carries only the summary (or the --json document).
 */
export interface Reporter extends SyncReporter {
  stop(): void;
}

export interface ReporterOptions {
  quiet?: boolean;
  /** Nothing at all, not even warnings (`pull --report`: the report says what matters). */
  silent?: boolean;
  plainProgressEveryMs?: number;
}

export async function createReporter(io: Io, options: ReporterOptions = {}): Promise<Reporter> {
  const stream = io.stderr;
  if (options.silent) return silentReporter();
  if (options.quiet) return quietReporter(stream);
  // A spinner needs a terminal that can redraw a line: not TERM=dumb (Emacs shells, some CI
  // logs), and not a pseudo-terminal that reports zero columns (ora would clear lines forever).
  const columns = (stream as { columns?: number }).columns;
  if (stream.isTTY && io.env.TERM !== 'dumb' && columns !== 0) return ttyReporter(stream, io);
  return plainReporter(stream, options.plainProgressEveryMs ?? 30_000);
}

/** Running totals of what the pull has stored, shown with the progress. */
class StoredSoFar {
  private items = 0;
  private videos = 0;

  add(page: StoredPage): void {
    if (page.pass === 'items') this.items += page.count;
    else if (page.pass === 'videos') this.videos += page.count;
  }

  describe(): string {
    const parts = [this.items > 0 && `${this.items.toLocaleString('en-US')} items stored`, this.videos > 0 && `${this.videos.toLocaleString('en-US')} videos checked`];
    return parts.filter(Boolean).join(', ');
  }
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function plainReporter(stream: OutputStream, everyMs: number): Reporter {
  let lastProgress = 0;
  const stored = new StoredSoFar();
  return {
    event: (message) => stream.write(`${timestamp()} ${message}\n`),
    warn: (message) => stream.write(`${timestamp()} warning: ${message}\n`),
    progress: (message) => {
      const now = Date.now();
      if (now - lastProgress < everyMs) return;
      lastProgress = now;
      const so = stored.describe();
      stream.write(`${timestamp()} ${message}${so ? ` (${so})` : ''}\n`);
    },
    pageStored: (page) => stored.add(page),
    stop: () => undefined,
  };
}

function silentReporter(): Reporter {
  const nothing = () => undefined;
  return { event: nothing, warn: nothing, progress: nothing, pageStored: nothing, stop: nothing };
}

function quietReporter(stream: OutputStream): Reporter {
  return {
    event: () => undefined,
    warn: (message) => stream.write(`warning: ${message}\n`),
    progress: () => undefined,
    pageStored: () => undefined,
    stop: () => undefined,
  };
}

async function ttyReporter(stream: OutputStream, io: Io): Promise<Reporter> {
  const { default: ora } = await import('ora');
  const color = !io.env.NO_COLOR;
  const spinner = ora({ stream: stream as NodeJS.WritableStream, isEnabled: true, color: color ? 'cyan' : false, text: 'starting' }).start();
  const stored = new StoredSoFar();
  let status = 'starting';
  const show = () => {
    const so = stored.describe();
    spinner.text = so ? `${status} · ${so}` : status;
  };
  return {
    event: (message) => {
      spinner.clear();
      stream.write(`${message}\n`);
      spinner.render();
    },
    warn: (message) => {
      spinner.clear();
      stream.write(`warning: ${message}\n`);
      spinner.render();
    },
    progress: (message) => {
      status = message;
      show();
    },
    pageStored: (page) => {
      stored.add(page);
      show();
    },
    stop: () => {
      spinner.stop();
    },
  };
}
