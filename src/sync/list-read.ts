import type { Db } from '../db/connection.js';
import { InvalidPageToken, type ListPage } from '../youtube/client.js';
import { EtagStore } from '../youtube/etag-store.js';
import { ledgerEntry } from '../youtube/quota-meter.js';
import { advance, beginRead, type ReadOutcome, type ResumePoint } from './checkpoint.js';
import { commitPageBookkeeping } from './page-commit.js';
import { pageStream, type PageSource } from './page-stream.js';
import { ReadEvidence } from './read-evidence.js';
import type { ChangeTally, RunControl, StoredPage } from './run-control.js';

/** A list to mirror (the account's playlists, or one playlist's items) and how its rows are stored. */
export interface ListTarget<R> extends PageSource<R> {
  /** Names the list in messages: `playlist "Road trip" (PL…)`. */
  label: string;
  /** Which pass and list, for the reporter's pageStored. */
  pass: StoredPage['pass'];
  list: string | null;
  /** Stores a page's rows (in the page's transaction); `tally` counts what changed. */
  write(tx: Db, records: R[], tally: ChangeTally): Promise<void>;
  /** After a 304 the rows are in the mirror already; an item marked removed in between is back. */
  unchanged(tx: Db, ids: string[], tally: ChangeTally): Promise<void>;
  /** The read was consistent and complete: what it did not see is gone from the list. */
  removeUnseen(tx: Db, seen: string[], tally: ChangeTally): Promise<void>;
  /** In the last page's transaction, whatever the outcome. */
  finish?(tx: Db, point: ResumePoint): Promise<void>;
}

export interface ReaderContext {
  db: Db;
  control: RunControl;
}

/**
 * Reads of one list per run that may start over: the list changed under a read, or a read
 * begun by an earlier invocation had to be verified. After that the list is read on and stored,
 * but nothing is marked removed (it is left for the next pull, never guessed).
 */
export const MAX_RESTARTS = 2;

/** YouTube kept refusing the list's page token: the list cannot be read in this run. */
export class UnreadableList extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * Reads a list from its resume point to its end, each page stored in ONE transaction with its
 * resume point, and is the one place that decides, from the evidence of the read, what is gone:
 *
 * - Page tokens are offsets, so only a read made in one go by this invocation is evidence. An
 *   invocation reads each list once, so a resume point that already has a page token was left
 *   by an earlier invocation (quota, Ctrl-C, kill -9): the list is read again from the start —
 *   the pages it had read are verified by being read again (SPEC.md "Resume").
 * - A read that shows the list changing under it (ReadEvidence) starts over, at most
 *   MAX_RESTARTS times; after that it is stored as 'unverified': nothing is marked removed.
 * - Only the last page of a consistent read marks what the read did not see as removed, in that
 *   page's transaction.
 *
 * Returns true when the read is over, false when the run stopped first.
 */
export async function readList<R>(ctx: ReaderContext, start: ResumePoint, target: ListTarget<R>): Promise<boolean> {
  const { control } = ctx;
  let point = start;
  let evidence = new ReadEvidence();
  if (point.nextPageToken !== null) {
    if (point.restarts < MAX_RESTARTS) point = await startOver(ctx, point, target.label, 'it was partly read by an earlier pull');
    else evidence = new ReadEvidence('it was read across several pulls');
  }
  for (;;) {
    let restartBecause: string | null = null;
    try {
      const pages = pageStream(target, { pageToken: point.nextPageToken, offset: point.itemsFetched }, () => control.stopped);
      for await (const page of pages) {
        const change = evidence.observe(page);
        if (change !== null) {
          if (point.restarts < MAX_RESTARTS) {
            restartBecause = `${change} while being read`;
            break;
          }
          evidence.distrust(`it kept changing while being read (${change})`);
        }
        point = await storePage(ctx, point, page, target, evidence);
      }
    } catch (error) {
      if (!(error instanceof InvalidPageToken) || control.stopped) throw error;
      if (point.restarts >= MAX_RESTARTS) throw new UnreadableList('invalidPageToken');
      restartBecause = 'YouTube no longer accepts its page token';
    }
    if (restartBecause === null) return point.done;
    point = await startOver(ctx, point, target.label, restartBecause);
    evidence = new ReadEvidence();
  }
}

async function storePage<R>(ctx: ReaderContext, point: ResumePoint, page: ListPage<R>, target: ListTarget<R>, evidence: ReadEvidence): Promise<ResumePoint> {
  const last = page.nextPageToken === null;
  const doubt = evidence.doubtfulBecause;
  const end: { outcome: ReadOutcome; note: string | null } | undefined = !last
    ? undefined
    : doubt === null
      ? { outcome: 'complete', note: null }
      : { outcome: 'unverified', note: `${target.label}: ${doubt}; its items are stored, removals are left for the next pull.` };
  const { statement, next } = advance(point, page, end);
  const digest = { ids: page.ids, rawCount: page.rawCount, nextPageToken: page.nextPageToken, totalResults: page.totalResults };
  const stored = await ctx.control.pageTransaction(ctx.db, async (tx, units, tally) => {
    if (page.records) await target.write(tx, page.records, tally);
    else {
      tally.pagesNotModified++;
      await target.unchanged(tx, page.ids, tally);
    }
    if (end?.outcome === 'complete') await target.removeUnseen(tx, evidence.seenIds, tally);
    if (end) await target.finish?.(tx, next);
    await commitPageBookkeeping(tx, [statement, EtagStore.entry(page.requestKey, page.etag, digest), ledgerEntry(units)]);
    return next;
  });
  ctx.control.reporter.pageStored({ pass: target.pass, list: target.list, count: page.ids.length, last });
  if (end?.note) ctx.control.reporter.warn(end.note);
  return stored;
}

async function startOver(ctx: ReaderContext, point: ResumePoint, label: string, why: string): Promise<ResumePoint> {
  ctx.control.tally.restarts++;
  ctx.control.reporter.event(`${label}: reading it again from the start because ${why}`);
  return beginRead(ctx.db, point, true);
}
