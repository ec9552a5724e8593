import type { Db } from '../db/connection.js';
import type { QuotaMeter, UnrecordedUnits } from '../youtube/quota-meter.js';

/** One-line progress events; the output layer decides between spinner, plain lines and silence. */
export interface SyncReporter {
  event(message: string): void;
  warn(message: string): void;
  /** Short, frequently replaced status ("items: 12/300 playlists, 4,100 items"). */
  progress(message: string): void;
}

/** What a run changed, for the summary ("a second pull with no changes reports zero"). */
export class ChangeTally {
  playlistsAdded = 0;
  playlistsRemoved = 0;
  itemsChanged = 0;
  itemsRemoved = 0;
  videosDiscovered = 0;
  videosUpdated = 0;
  videosUnavailable = 0;
  pagesNotModified = 0;
  restarts = 0;

  toJSON() {
    return { ...this };
  }
}

/**
 * Shared by the workers of a run: they stop at the next page boundary once the user asked
 * (SIGINT/SIGTERM) or any worker failed, so nothing is left half-written.
 */
export class RunControl {
  private failure: { error: unknown } | undefined;

  constructor(
    readonly signal: AbortSignal,
    readonly reporter: SyncReporter,
    readonly tally: ChangeTally,
    private readonly meter: QuotaMeter,
  ) {}

  /**
   * The transaction a stored page is written in. `work` records the quota units spent since the
   * last stored page (storePage), so the ledger costs no statement or commit of its own.
   */
  async pageTransaction<T>(db: Db, work: (tx: Db, units: UnrecordedUnits) => Promise<T>): Promise<T> {
    const units = this.meter.take();
    try {
      return await transaction(db, (tx) => work(tx, units));
    } catch (error) {
      this.meter.giveBack(units);
      throw error;
    }
  }

  fail(error: unknown): void {
    this.failure ??= { error };
  }

  get stopped(): boolean {
    return this.signal.aborted || this.failure !== undefined;
  }

  /** Rethrows the first worker failure, if any. */
  rethrow(): void {
    if (this.failure) throw this.failure.error;
  }

  /**
   * Fetches and writes `items` with at most `limit` workers. Each worker requests its next item
   * while writing the current one (one request in flight per worker), and writes an item it has
   * already fetched even after a stop, so no fetched unit is wasted.
   */
  async pipeline<T, P>(items: T[], limit: number, fetch: (item: T) => Promise<P>, write: (item: T, fetched: P) => Promise<void>): Promise<void> {
    const queue = [...items];
    const request = () => {
      const item = this.stopped ? undefined : queue.shift();
      if (item === undefined) return undefined;
      const fetched = fetch(item);
      fetched.catch(() => undefined); // observed when awaited below
      return { item, fetched };
    };
    const worker = async () => {
      let current = request();
      while (current) {
        let value: P;
        try {
          value = await current.fetched;
        } catch (error) {
          if (!this.stopped) this.fail(error);
          return;
        }
        const following = request();
        try {
          await write(current.item, value);
        } catch (error) {
          this.fail(error);
          await following?.fetched.catch(() => undefined);
          return;
        }
        current = following;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    this.rethrow();
  }

  /** Runs tasks with at most `limit` at once; the first failure stops the others at a page boundary. */
  async all<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
    const queue = [...items];
    const worker = async () => {
      while (!this.stopped) {
        const item = queue.shift();
        if (item === undefined) return;
        try {
          await task(item);
        } catch (error) {
          this.fail(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    this.rethrow();
  }
}

const RETRYABLE_TX = new Set(['40P01', '40001']); // deadlock, serialization failure

/** A transaction, retried when PostgreSQL picks it as a deadlock victim. */
export async function transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => work(tx as unknown as Db));
    } catch (error) {
      const code = (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;
      if (attempt < 4 && code && RETRYABLE_TX.has(code)) continue;
      throw error;
    }
  }
}
