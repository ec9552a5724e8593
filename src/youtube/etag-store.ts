import { sql, type SQL } from 'drizzle-orm';
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
  /** Request keys this invocation asked about: what to keep when pruning. */
  private readonly used = new Set<string>();

  constructor(private readonly db: Db) {}

  /**
   * Read once per run (one query instead of one per page). Entries written during the run are
   * not added: each request is made once per run, and a pass that starts over may still use
   * the older entry, whose rows are in the mirror.
   */
  async get(requestKey: string): Promise<CachedPage | undefined> {
    this.used.add(requestKey);
    this.cache ??= this.db
      .select({ requestKey: etagCache.requestKey, etag: etagCache.etag, digest: etagCache.digest })
      .from(etagCache)
      .then((rows) => new Map(rows.map((r) => [r.requestKey, { etag: r.etag, digest: r.digest as PageDigest }])));
    return (await this.cache).get(requestKey);
  }

  /**
   * Forgets what the run that just completed did not use: request keys of pages and video batches
   * that no longer exist (a list that got shorter, batches that shifted when videos were added).
   * Kept: what this invocation asked about, and what any invocation of the run stored (written
   * since the run began). So the cache, which every pull reads whole, stays as large as the
   * library — not as large as its history.
   */
  async prune(runStartedAt: Date): Promise<number> {
    const pruned = await this.db
      .delete(etagCache)
      .where(sql`${etagCache.updatedAt} < ${runStartedAt.toISOString()}::timestamptz AND ${etagCache.requestKey} <> ALL(${sql.param([...this.used])}::text[])`)
      .returning({ key: etagCache.requestKey });
    return pruned.length;
  }

  /**
   * The statement that keeps a stored page's etag and digest for next time, or null when the
   * answer had no etag. Part of the page's transaction (see sync/page-commit.ts), so a 304
   * always refers to rows that are in the mirror.
   */
  static entry(requestKey: string, etag: string | null, digest: PageDigest): SQL | null {
    if (etag === null) return null;
    return sql`INSERT INTO etag_cache (request_key, etag, digest) VALUES (${requestKey}, ${etag}, ${JSON.stringify(digest)}::jsonb)
      ON CONFLICT (request_key) DO UPDATE SET etag = excluded.etag, digest = excluded.digest, updated_at = now()
      WHERE etag_cache.etag IS DISTINCT FROM excluded.etag`;
  }
}
