import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { selectRows, toDate } from '../db/values.js';
import { byTitle } from '../history/subscription-changes.js';

/** A subscription as the backup shows it. */
export interface ExportedSubscription {
  channelId: string;
  title: string | null;
  description: string | null;
  thumbnailUrl: string | null;
  subscribedAt: Date | null;
  firstSeen: Date;
  removedAt: Date | null;
}

/**
 * The mirror's subscriptions, alphabetically (as YouTube lists them). Read at once and sorted here: YouTube caps
 * an account's subscriptions at a few thousand. With `includeRemoved`, the ones that left too.
 */
export async function readSubscriptions(tx: Db, includeRemoved: boolean): Promise<ExportedSubscription[]> {
  const rows = await selectRows(
    tx,
    sql`SELECT channel_youtube_id, title, description, thumbnail_url, subscribed_at, first_seen, removed_at
          FROM subscriptions WHERE ${includeRemoved} OR removed_at IS NULL`,
  );
  const list = rows.map((r) => ({
    channelId: r.channel_youtube_id as string,
    title: r.title as string | null,
    description: r.description as string | null,
    thumbnailUrl: r.thumbnail_url as string | null,
    subscribedAt: toDate(r.subscribed_at),
    firstSeen: toDate(r.first_seen)!,
    removedAt: toDate(r.removed_at),
  }));
  // Live ones first, then the ones that left.
  return list.sort((a, b) => Number(a.removedAt !== null) - Number(b.removedAt !== null) || byTitle(a, b));
}
