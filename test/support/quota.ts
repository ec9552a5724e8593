import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/connection.js';
import type { ExpectedMirror } from '../fakes/library.js';

/**
 * SPEC.md's bound for a full sync: ceil(P/50) + Σ ceil(items/50) + ceil(V/50) + ceil(S/50) + 1,
 * where a list's items are what YouTube pages through (the Liked list's hidden private videos
 * count: its pages come back short; so do subscriptions to closed channels) and an empty list
 * still costs its one call.
 */
export function minimumUnits(expected: ExpectedMirror, departedVideos: readonly string[] = []): number {
  // V also counts the videos of items that left during the run: they are checked once more, so
  // that `changes` can tell why they left.
  const videos = new Set([...Object.values(expected.items).flat().map((i) => i.videoId), ...departedVideos]);
  return (
    Math.max(1, Math.ceil(expected.playlists.length / 50)) +
    Object.values(expected.pagedSizes).reduce((n, size) => n + Math.max(1, Math.ceil(size / 50)), 0) +
    Math.ceil(videos.size / 50) +
    Math.max(1, Math.ceil(expected.subscriptionsPaged / 50)) +
    1
  );
}

/**
 * Row versions written to the mirror's data tables (videos, items, subscriptions), for "an unchanged pull rewrites nothing".
 * xmin changes whenever PostgreSQL writes a new version of a row, on both backends.
 */
export async function rowWrites(db: Db): Promise<Record<string, string>> {
  const result = (await db.execute(sql`
    SELECT 'videos' AS t, coalesce(string_agg(id::text || ':' || xmin::text, ',' ORDER BY id), '') AS v FROM videos
    UNION ALL
    SELECT 'playlist_videos', coalesce(string_agg(id::text || ':' || xmin::text, ',' ORDER BY id), '') FROM playlist_videos
    UNION ALL
    SELECT 'subscriptions', coalesce(string_agg(id::text || ':' || xmin::text, ',' ORDER BY id), '') FROM subscriptions`)) as unknown as {
    rows: Array<{ t: string; v: string }>;
  };
  return Object.fromEntries(result.rows.map((r) => [r.t, r.v]));
}
