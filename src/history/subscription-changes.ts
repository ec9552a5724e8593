import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { selectRows, toDate } from '../db/values.js';

/**
 * Subscriptions gained and lost in a window, from the `subscriptions` table alone: `first_seen`
 * (or `resubscribed_at`, for a channel subscribed to again) says when a pull first saw one,
 * `removed_at` when a consistent read stopped seeing it.
 */
export interface SubscriptionChangeRow {
  channelId: string;
  title: string | null;
  subscribedAt: Date | null;
  /** When the window's pull saw it arrive (first_seen, or resubscribed_at). */
  seenAt: Date | null;
  removedAt: Date | null;
  gained: boolean;
  lost: boolean;
}

interface Bounds {
  from: Date | null;
  to: Date;
}

const at = (d: Date | null) => (d === null ? null : d.toISOString());
const within = (column: SQL, b: Bounds) =>
  sql`coalesce(${column} > coalesce(${at(b.from)}::timestamptz, '-infinity') AND ${column} <= ${at(b.to)}::timestamptz, false)`;

/** Live ones that arrived in the window are gained; ones removed in the window are lost (what came back since is live again). */
export async function subscriptionChanges(db: Db, bounds: Bounds): Promise<SubscriptionChangeRow[]> {
  const arrived = sql`(${within(sql`first_seen`, bounds)} OR ${within(sql`resubscribed_at`, bounds)})`;
  const found = await selectRows(
    db,
    sql`SELECT channel_youtube_id, title, subscribed_at, removed_at,
               CASE WHEN ${within(sql`resubscribed_at`, bounds)} THEN resubscribed_at ELSE first_seen END AS seen_at,
               (removed_at IS NULL AND ${arrived}) AS gained, ${within(sql`removed_at`, bounds)} AS lost
          FROM subscriptions
         WHERE (removed_at IS NULL AND ${arrived}) OR ${within(sql`removed_at`, bounds)}`,
  );
  const rows = found.map((r) => ({
    channelId: r.channel_youtube_id as string,
    title: r.title as string | null,
    subscribedAt: toDate(r.subscribed_at),
    seenAt: toDate(r.seen_at),
    removedAt: toDate(r.removed_at),
    gained: r.gained as boolean,
    lost: r.lost as boolean,
  }));
  return rows.sort(byTitle);
}

/**
 * Alphabetically by title, as YouTube lists subscriptions, the same on every backend (the
 * database's collation may be plain byte order): case-insensitive, accents next to their letter.
 */
export function byTitle(a: { title: string | null; channelId: string }, b: { title: string | null; channelId: string }): number {
  const key = (t: string | null) => (t ?? '').toLocaleLowerCase('en-US');
  return key(a.title).localeCompare(key(b.title), 'en-US') || (a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0);
}
