import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';

/**
 * A stored page's bookkeeping — its resume point, its etag, the quota units spent since the last
 * stored page — as ONE statement of the page's transaction: one round trip per page instead of
 * three, on the hot path of every pass. Each part is a data-modifying statement written by the
 * module that owns its table (sync/checkpoint.ts, youtube/etag-store.ts, youtube/quota-meter.ts);
 * this only joins them. PostgreSQL runs every data-modifying CTE to completion.
 */
export async function commitPageBookkeeping(tx: Db, parts: Array<SQL | null>): Promise<void> {
  // Never empty: every page moves its resume point.
  const present = parts.filter((part): part is SQL => part !== null);
  const ctes = present.map((part, i) => sql`${sql.raw(`p${i}`)} AS (${part})`);
  await tx.execute(sql`WITH ${sql.join(ctes, sql`, `)} SELECT 1`);
}
