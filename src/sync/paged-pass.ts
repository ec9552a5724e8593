import type { Db } from '../db/connection.js';
import { InvalidPageToken, type ListPage } from '../youtube/client.js';
import { transaction, type RunControl } from './control.js';
import { markDone, restart, storePage, type ResumePoint } from './run-store.js';

/** A list read page by page, e.g. the account's playlists or one playlist's items. */
export interface PagedList<R> {
  label: string;
  fetch(pageToken: string | null, offset: number): Promise<ListPage<R>>;
  /** Writes a page's rows; part of the page's transaction. */
  write(tx: Db, records: R[]): Promise<void>;
  /** After a 304: the rows are in the mirror already. */
  unchanged(tx: Db, ids: string[]): Promise<void>;
  /** The whole list was read consistently: mark what was not seen as removed. */
  complete(tx: Db, point: ResumePoint): Promise<void>;
}

/**
 * Page tokens are offsets: if the list changes between two pages, items shift and can be
 * skipped or seen twice. A pass whose list changed size under it starts over (up to this many
 * times per run); after that it finishes without marking removals, so a live item is never
 * marked removed.
 */
const MAX_RESTARTS = 2;

/**
 * Reads a list from its resume point to the end. Each page is written in ONE transaction with
 * its resume point, so an interruption anywhere loses nothing and repeats no stored page.
 * Returns false when stopped early (signal or another worker's failure).
 */
export async function runPagedPass<R>(db: Db, start: ResumePoint, list: PagedList<R>, control: RunControl): Promise<boolean> {
  let point = start;
  // The next page is requested as soon as its token is known, while the current page is being
  // written: the network wait overlaps the database work. Still one request per list at a time.
  let prefetched: { token: string; page: Promise<ListPage<R>> } | undefined;
  while (!point.done) {
    // Stop at a page boundary; a page already requested is still written when it arrives, so a
    // stop (Ctrl-C, budget, another worker's failure) wastes no unit on it.
    if (control.stopped && !prefetched) return false;
    let page: ListPage<R>;
    try {
      page = await (prefetched?.token === point.nextPageToken ? prefetched!.page : list.fetch(point.nextPageToken, point.itemsFetched));
    } catch (error) {
      prefetched = undefined;
      if (control.stopped) return false; // the run is already ending for another reason
      if (!(error instanceof InvalidPageToken) || point.restarts >= MAX_RESTARTS) throw error;
      point = await startOver(db, point, list, control, 'its page token was refused');
      continue;
    }
    prefetched = undefined;
    const sizeChanged =
      point.nextPageToken !== null && point.totalResults !== null && page.totalResults !== null && page.totalResults !== point.totalResults;
    if (sizeChanged && point.restarts < MAX_RESTARTS) {
      point = await startOver(db, point, list, control, `it changed size (${point.totalResults} → ${page.totalResults}) while being read`);
      continue;
    }
    if (page.nextPageToken !== null && !control.stopped) {
      const next = list.fetch(page.nextPageToken, point.itemsFetched + page.rawCount);
      next.catch(() => undefined); // observed when awaited above
      prefetched = { token: page.nextPageToken, page: next };
    }
    try {
      point = await control.pageTransaction(db, async (tx, units) => {
        if (page.records) await list.write(tx, page.records);
        else {
          control.tally.pagesNotModified++;
          await list.unchanged(tx, page.ids);
        }
        const digest = { ids: page.ids, rawCount: page.rawCount, nextPageToken: page.nextPageToken, totalResults: page.totalResults };
        const next = await storePage(tx, point, digest, page, units);
        if (next.nextPageToken === null && isConsistent(next)) {
          await list.complete(tx, next);
          await markDone(tx, next);
          return { ...next, done: true };
        }
        return next;
      });
    } catch (error) {
      // Let the request in flight finish, so its unit is counted before the run ends.
      await prefetched?.page.catch(() => undefined);
      throw error;
    }
    if (point.nextPageToken === null && !point.done) {
      if (point.restarts < MAX_RESTARTS) {
        point = await startOver(db, point, list, control, `it returned ${point.itemsFetched} of ${point.totalResults} items`);
      } else {
        control.reporter.warn(`${list.label}: kept changing while being read; removals are left for the next pull.`);
        await transaction(db, (tx) => markDone(tx, point));
        point = { ...point, done: true };
      }
    }
  }
  return true;
}

/** Every item the list claims was read, exactly once. */
function isConsistent(point: ResumePoint): boolean {
  return point.totalResults === null || point.itemsFetched === point.totalResults;
}

async function startOver<R>(db: Db, point: ResumePoint, list: PagedList<R>, control: RunControl, why: string): Promise<ResumePoint> {
  control.tally.restarts++;
  control.reporter.event(`${list.label}: reading it again from the start because ${why}`);
  return restart(db, point);
}
