import type { Db } from '../db/connection.js';
import type { QuotaMeter, UnrecordedUnits } from '../youtube/quota-meter.js';

/** A page stored with its resume point: its transaction has committed. */
export interface StoredPage {
  pass: 'playlists' | 'subscriptions' | 'items' | 'videos';
  /** The playlist (or Liked list) id, for the items pass. */
  list: string | null;
  /** Playlists, items or videos on the page. */
  count: number;
  /** The list's last page (for the videos pass: a batch). */
  last: boolean;
}

/** One-line progress events; the output layer decides between spinner, plain lines and silence. */
export interface SyncReporter {
  event(message: string): void;
  warn(message: string): void;
  /** Short, frequently replaced status ("items: 12/300 lists"). */
  progress(message: string): void;
  /** Called right after each stored page's transaction commits. */
  pageStored(page: StoredPage): void;
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
  subscriptionsGained = 0;
  subscriptionsLost = 0;
  /** Subscriptions whose channel changed its name, description or avatar. */
  subscriptionsChanged = 0;
  pagesNotModified = 0;
  restarts = 0;

  add(other: ChangeTally): void {
    const counts = this as unknown as Record<string, number>;
    for (const [key, n] of Object.entries(other)) counts[key] = (counts[key] ?? 0) + (n as number);
  }

  toJSON() {
    return { ...this };
  }
}

/**
 * Shared by everything one invocation of a run does: whether to stop (SIGINT/SIGTERM, or the
 * first failure of any worker — quota, budget, an error), what changed, and where progress goes.
 * Workers stop at their next page boundary, so nothing is left half-written.
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
   * last stored page in it, so the ledger costs no statement or commit of its own; what it
   * counts in `tally` counts once the page is committed (a deadlock retry counts nothing twice).
   */
  async pageTransaction<T>(db: Db, work: (tx: Db, units: UnrecordedUnits, tally: ChangeTally) => Promise<T>): Promise<T> {
    const units = this.meter.take();
    let tally = new ChangeTally();
    try {
      const result = await transaction(db, (tx) => {
        tally = new ChangeTally();
        return work(tx, units, tally);
      });
      this.tally.add(tally);
      return result;
    } catch (error) {
      this.meter.giveBack(units);
      throw error;
    }
  }

  /** Keeps the first failure: the reason the run stops. */
  fail(error: unknown): void {
    this.failure ??= { error };
  }

  get stopped(): boolean {
    return this.signal.aborted || this.failure !== undefined;
  }

  /** Rethrows the first failure, if any. */
  rethrow(): void {
    if (this.failure) throw this.failure.error;
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
