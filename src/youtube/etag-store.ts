import type { Db } from '../db/connection.js';
import { etagCache } from '../db/schema.js';

/** What we keep of a list response to stand in for its body after a 304. */
export interface PageDigest {
  /** Ids of every item on the page that has one, malformed items included. */
  ids: string[];
  /** Items on the page, counted as the API counts them for `totalResults`. */
  rawCount: number;
  nextPageToken: string | null;
  totalResults: number | null;
}

export interface CachedPage {
  etag: string;
  digest: PageDigest;
}

/**
 * ETags of list requests, keyed by the request. The cached etag is written in the same
 * transaction as the page's rows (storePage), so a 304 always refers to rows in the mirror.
 */
export class EtagStore {
  private cache: Promise<Map<string, CachedPage>> | undefined;

  constructor(private readonly db: Db) {}

  /**
   * Read once per run (one query instead of one per page). Entries written during the run are
   * not added: each request is made once per run, and a pass that starts over may still use
   * the older entry, whose rows are in the mirror.
   */
  async get(requestKey: string): Promise<CachedPage | undefined> {
    this.cache ??= this.db
      .select({ requestKey: etagCache.requestKey, etag: etagCache.etag, digest: etagCache.digest })
      .from(etagCache)
      .then((rows) => new Map(rows.map((r) => [r.requestKey, { etag: r.etag, digest: r.digest as PageDigest }])));
    return (await this.cache).get(requestKey);
  }

}
