import { eq, sql } from 'drizzle-orm';
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
 * transaction as the page's rows, so a 304 always refers to rows that are in the mirror.
 */
export class EtagStore {
  constructor(private readonly db: Db) {}

  async get(requestKey: string): Promise<CachedPage | undefined> {
    const rows = await this.db
      .select({ etag: etagCache.etag, digest: etagCache.digest })
      .from(etagCache)
      .where(eq(etagCache.requestKey, requestKey));
    const row = rows[0];
    return row ? { etag: row.etag, digest: row.digest as PageDigest } : undefined;
  }

  async remember(tx: Db, requestKey: string, etag: string | null | undefined, digest: PageDigest): Promise<void> {
    if (!etag) return;
    await tx
      .insert(etagCache)
      .values({ requestKey, etag, digest })
      .onConflictDoUpdate({
        target: etagCache.requestKey,
        set: { etag, digest, updatedAt: sql`now()` },
        setWhere: sql`${etagCache.etag} IS DISTINCT FROM excluded.etag`,
      });
  }
}
