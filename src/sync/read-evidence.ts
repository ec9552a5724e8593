import type { PageDigest } from '../youtube/etag-store.js';

/**
 * Page tokens are offsets: if a list changes between two pages, items shift and one can be
 * skipped (it would look removed) or seen twice. This is what one read of a list has seen, and
 * whether anything in it says the list changed under it. What it never relies on: that
 * pageInfo.totalResults equals the items returned (the Liked list counts private videos it
 * never returns), or that a playlist's etag moves when its items change.
 */
export class ReadEvidence {
  private readonly seen = new Set<string>();
  private firstTotal: number | null | undefined;
  private doubt: string | null;

  /** `doubt`: why this read cannot be trusted from the start (e.g. it spans several pulls). */
  constructor(doubt: string | null = null) {
    this.doubt = doubt;
  }

  /**
   * Takes in the next page; returns why it shows the list changed during the read, or null.
   * Evidence: an item id seen on an earlier page (something was inserted or moved before the
   * offset), or a different totalResults than the first page's (the list grew or shrank).
   */
  observe(page: Pick<PageDigest, 'ids' | 'totalResults'>): string | null {
    let change: string | null = null;
    if (this.firstTotal === undefined) this.firstTotal = page.totalResults;
    else if (this.firstTotal !== null && page.totalResults !== null && page.totalResults !== this.firstTotal) {
      change = `its size changed from ${this.firstTotal} to ${page.totalResults}`;
    }
    for (const id of page.ids) {
      if (this.seen.has(id)) change ??= 'an item showed up again on a later page';
      this.seen.add(id);
    }
    return change;
  }

  /** From now on the read cannot be trusted to show what is gone. */
  distrust(why: string): void {
    this.doubt ??= why;
  }

  /** Null when the read, once complete, is evidence of what the list holds. */
  get doubtfulBecause(): string | null {
    return this.doubt;
  }

  get seenIds(): string[] {
    return [...this.seen];
  }
}
