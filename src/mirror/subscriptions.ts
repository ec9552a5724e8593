import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import type { SubscriptionRecord } from '../youtube/records.js';
import { column, counts, iso } from './sql.js';

/**
 * The mirror's subscriptions, one row per channel: written by the subscriptions pass, closed
 * (`removed_at`) when a consistent read of the list no longer sees them. Like every upsert of the
 * mirror, a row changes only when a value differs.
 */

export interface SubscriptionsWritten {
  /** Channels new to the mirror, and ones back after `removed_at`. */
  gained: number;
  /** Rows whose values changed (a channel renamed, a new avatar). */
  changed: number;
}

/**
 * One page of subscriptions. A value the answer leaves out (no thumbnails, no date) keeps the
 * stored one; a subscription that was removed and is listed again is back, with `resubscribed_at`.
 */
export async function writeSubscriptions(tx: Db, records: SubscriptionRecord[]): Promise<SubscriptionsWritten> {
  if (records.length === 0) return { gained: 0, changed: 0 };
  // One record per channel, in lock order (concurrent writers lock rows in the same order).
  const rows = [...new Map(records.map((r) => [r.channelId, r])).values()].sort((a, b) => (a.channelId < b.channelId ? -1 : 1));
  const of = <K extends keyof SubscriptionRecord>(key: K) => rows.map((r) => r[key]);
  const written = await counts<{ gained: number; changed: number }>(
    tx,
    sql`
    WITH written AS (
      INSERT INTO subscriptions AS s (channel_youtube_id, youtube_id, title, description, thumbnail_url, subscribed_at)
      SELECT * FROM unnest(${column(of('channelId'), 'text')}, ${column(of('youtubeId'), 'text')}, ${column(of('title'), 'text')},
                           ${column(of('description'), 'text')}, ${column(of('thumbnailUrl'), 'text')},
                           ${column(rows.map((r) => iso(r.subscribedAt)), 'timestamptz')})
      ON CONFLICT (channel_youtube_id) DO UPDATE SET
        youtube_id = excluded.youtube_id,
        title = coalesce(excluded.title, s.title),
        description = coalesce(excluded.description, s.description),
        thumbnail_url = coalesce(excluded.thumbnail_url, s.thumbnail_url),
        subscribed_at = coalesce(excluded.subscribed_at, s.subscribed_at),
        resubscribed_at = CASE WHEN s.removed_at IS NULL THEN s.resubscribed_at ELSE now() END,
        removed_at = NULL
      WHERE (s.youtube_id, s.title, s.description, s.thumbnail_url, s.subscribed_at, s.removed_at)
            IS DISTINCT FROM (excluded.youtube_id, coalesce(excluded.title, s.title), coalesce(excluded.description, s.description),
                              coalesce(excluded.thumbnail_url, s.thumbnail_url), coalesce(excluded.subscribed_at, s.subscribed_at),
                              NULL::timestamptz)
      -- now() is the transaction's start: resubscribed_at equals it only on a row this statement brought back.
      RETURNING (xmax = 0 OR s.resubscribed_at IS NOT DISTINCT FROM now()) AS gained
    )
    SELECT (SELECT count(*)::int FROM written WHERE gained) AS gained, (SELECT count(*)::int FROM written WHERE NOT gained) AS changed`,
  );
  return written;
}

/** After a 304: the page is as stored, but a subscription marked removed in between is back. */
export async function reviveSubscriptions(tx: Db, subscriptionIds: string[]): Promise<number> {
  if (subscriptionIds.length === 0) return 0;
  const revived = await counts<{ n: number }>(
    tx,
    sql`WITH revived AS (
          UPDATE subscriptions SET removed_at = NULL, resubscribed_at = now()
           WHERE youtube_id = ANY(${column(subscriptionIds, 'text')}) AND removed_at IS NOT NULL RETURNING id)
        SELECT count(*)::int AS n FROM revived`,
  );
  return revived.n;
}

/**
 * A consistent, complete read of the list did not see these (by subscription id): unsubscribed,
 * or the channel is gone — the API does not say which.
 */
export async function markSubscriptionsRemoved(tx: Db, seen: string[]): Promise<number> {
  const removed = await counts<{ n: number }>(
    tx,
    sql`WITH removed AS (
          UPDATE subscriptions SET removed_at = now()
           WHERE removed_at IS NULL AND youtube_id <> ALL(${column(seen, 'text')}) RETURNING id)
        SELECT count(*)::int AS n FROM removed`,
  );
  return removed.n;
}

/** Live subscriptions, for "its N stored subscriptions are kept as they were". */
export async function liveSubscriptionCount(db: Db): Promise<number> {
  return (await counts<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM subscriptions WHERE removed_at IS NULL`)).n;
}
