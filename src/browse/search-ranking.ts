import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { selectRows, toDate } from '../db/values.js';
import type { QueryTerm } from './query-terms.js';
import { filterClauses, type CompiledQuery, type SearchFilters } from './search-sql.js';

/**
 * How hits are ranked: every wanted word in a title (current or former) first, then those that
 * needed the channel name, then those that needed the description; within each, the video you
 * added to a list most recently first.
 *
 * A common word can match most of a library, and ranking all of its hits (when was each last
 * added?) would take longer than the user waits. So the hits are counted per tier first (from
 * the small `search_names` column, in the row), and only the tiers the first page needs are
 * ranked: small ones by looking each hit's items up; a large one by walking your items from the
 * most recently added down (playlist_videos_recent_idx) until the page is full.
 */

export type MatchedIn = 'title' | 'channel' | 'description' | 'close';
const TIERS: MatchedIn[] = ['title', 'channel', 'description'];

export interface HitRow {
  rowId: number;
  matchedIn: MatchedIn;
  lastAddedAt: Date | null;
  videoId: string;
  title: string | null;
  formerTitles: string[];
  channelTitle: string | null;
  channelId: string | null;
  durationSeconds: number | null;
  publishedAt: Date | null;
  unavailableReason: string | null;
  unavailableSince: Date | null;
}

const inTitles = (q: CompiledQuery) => sql`ts_filter(v.search_names, '{a}') @@ ${q.wanted}::tsquery`;
const inNames = (q: CompiledQuery) => sql`v.search_names @@ ${q.wanted}::tsquery`;
const tierOf = (q: CompiledQuery) => sql`CASE WHEN ${inTitles(q)} THEN 0 WHEN ${inNames(q)} THEN 1 ELSE 2 END`;
const matching = (q: CompiledQuery, f: SearchFilters) => sql`v.search_document @@ ${q.match}::tsquery AND ${filterClauses(f, q.channel)}`;

/**
 * A hit of one tier, checked one video at a time (the walk) — without the document where
 * possible: in the titles or channel the wanted words are in the document too (search_names is
 * its beginning), so only exclusions need it, and reading a document back from TOAST is what
 * makes a check expensive.
 */
function inTier(tier: number, q: CompiledQuery, f: SearchFilters): SQL {
  if (tier === 2) return sql`${matching(q, f)} AND NOT ${inNames(q)}`;
  const excluded = q.excluded === null ? sql`true` : sql`NOT (v.search_document @@ ${q.excluded}::tsquery)`;
  const names = tier === 0 ? inTitles(q) : sql`${inNames(q)} AND NOT ${inTitles(q)}`;
  return sql`${names} AND ${excluded} AND ${filterClauses(f, q.channel)}`;
}

interface Ranked {
  id: number;
  at: Date | null;
}

interface FirstPass {
  total: number;
  /** The tier the first page ends in; walk it when `walk` (the tiers before it are in `ranked`). */
  last: number;
  walk: boolean;
  ranked: Array<Ranked & { tier: number }>;
}

/**
 * One statement, so that the documents of a phrase's candidates are read once: every hit and
 * its tier; how many per tier; which tier the page ends in (the first where the hits so far
 * reach `limit`: the tiers before it fit whole); and, ranked by looking their items up, the
 * hits of the tiers small enough for that. A tier is walked instead when hits² > items ·
 * needed: a walk reads about items / hits items per hit it finds, each a cheap check, where a
 * lookup costs an index lookup per hit (on 150,000 items both take ~10 ms at ~2,000 hits).
 * `items` is playlist_videos' row count as the planner last counted it (counted now if never).
 */
async function firstPass(db: Db, q: CompiledQuery, f: SearchFilters, limit: number): Promise<FirstPass> {
  const rows = await selectRows<{ total: number; last: number; walk: boolean; id: number | null; tier: number | null; at: unknown }>(
    db,
    sql`WITH hits AS MATERIALIZED (
          SELECT v.id, ${tierOf(q)} AS tier FROM videos v WHERE ${matching(q, f)}
        ), counts AS (
          SELECT count(*)::int AS total, count(*) FILTER (WHERE tier = 0)::int AS t0, count(*) FILTER (WHERE tier = 1)::int AS t1,
                 (SELECT CASE WHEN reltuples > 0 THEN reltuples::float8 ELSE (SELECT count(*) FROM playlist_videos)::float8 END
                    FROM pg_class WHERE oid = 'playlist_videos'::regclass) AS items
            FROM hits
        ), ends AS (
          SELECT *, CASE WHEN t0 >= ${limit} THEN 0 WHEN t0 + t1 >= ${limit} THEN 1 ELSE 2 END AS last FROM counts
        ), plan AS (
          SELECT total, last,
                 total > 0 AND (CASE last WHEN 0 THEN t0 WHEN 1 THEN t1 ELSE total - t0 - t1 END)::float8 ^ 2
                   > greatest(items, 1) * (${limit} - CASE last WHEN 0 THEN 0 WHEN 1 THEN t0 ELSE t0 + t1 END) AS walk
            FROM ends
        )
        SELECT plan.total, plan.last, plan.walk, ranked.id, ranked.tier, ranked.at
          FROM plan LEFT JOIN LATERAL (
            SELECT h.id, h.tier, added.at
              FROM hits h
              LEFT JOIN LATERAL (SELECT max(coalesce(pv.added_at, pv.first_seen)) AS at FROM playlist_videos pv WHERE pv.video_id = h.id) added ON true
             WHERE h.tier <= plan.last - CASE WHEN plan.walk THEN 1 ELSE 0 END
             ORDER BY h.tier, added.at DESC NULLS LAST, h.id DESC
             LIMIT ${limit}) ranked ON true
         ORDER BY ranked.tier, ranked.at DESC NULLS LAST, ranked.id DESC`,
  );
  const head = rows[0]!;
  const ranked = rows.filter((r) => r.id !== null).map((r) => ({ id: r.id!, tier: r.tier!, at: toDate(r.at) }));
  return { total: head.total, last: head.last, walk: head.walk, ranked };
}

/**
 * A large tier: items from the most recently added down, the first time each video shows up
 * being its last addition. A video in several lists shows up several times, so more items than
 * needed are read, and more again until the page is full or the items run out.
 */
async function rankByWalk(db: Db, q: CompiledQuery, f: SearchFilters, tier: number, needed: number): Promise<Ranked[]> {
  for (let take = needed * 2 + 10; ; take *= 4) {
    const rows = await selectRows<{ id: number; at: unknown }>(
      db,
      sql`SELECT v.id, coalesce(pv.added_at, pv.first_seen) AS at
            FROM playlist_videos pv JOIN videos v ON v.id = pv.video_id
           WHERE ${inTier(tier, q, f)}
           ORDER BY coalesce(pv.added_at, pv.first_seen) DESC, v.id DESC
           LIMIT ${take}`,
    );
    const seen = new Map<number, Ranked>();
    for (const r of rows) if (!seen.has(r.id)) seen.set(r.id, { id: r.id, at: toDate(r.at) });
    if (seen.size >= needed || rows.length < take) return [...seen.values()].slice(0, needed);
  }
}

/** The first `limit` hits in rank order, and how many there are in all. */
export async function findHits(db: Db, q: CompiledQuery, f: SearchFilters, limit: number): Promise<{ total: number; hits: HitRow[] }> {
  const { total, last, walk, ranked } = await firstPass(db, q, f, limit);
  const page = [...ranked];
  if (walk) for (const r of await rankByWalk(db, q, f, last, limit - page.length)) page.push({ ...r, tier: last });
  const details = await videoDetails(db, page.map((r) => r.id));
  return { total, hits: page.map((r) => ({ ...details.get(r.id)!, rowId: r.id, matchedIn: TIERS[r.tier]!, lastAddedAt: r.at })) };
}

/**
 * Titles that come close to the wanted words (a typo, a word cut short in the middle) when
 * nothing matched: pg_trgm's word similarity, through the trigram index on the titles. Only
 * where the extension is installed (`trigramSchema`).
 */
export async function findCloseHits(
  db: Db,
  terms: QueryTerm[],
  q: CompiledQuery,
  f: SearchFilters,
  limit: number,
  trigramSchema: string,
): Promise<{ total: number; hits: HitRow[] }> {
  const words = terms.filter((t) => !t.exclude).map((t) => t.text).join(' ');
  const titles = sql`ytsync_search_text(array_prepend(v.title, v.former_titles))`;
  const folded = sql`ytsync_search_text(ARRAY[${words}::text])`;
  const schema = sql.raw(trigramSchema);
  const notExcluded = q.excluded === null ? sql`true` : sql`NOT (v.search_document @@ ${q.excluded}::tsquery)`;
  const rows = await selectRows<{ id: number; at: unknown; total: number }>(
    db,
    sql`SELECT v.id, added.at, count(*) OVER ()::int AS total
          FROM videos v
          LEFT JOIN LATERAL (SELECT max(coalesce(pv.added_at, pv.first_seen)) AS at FROM playlist_videos pv WHERE pv.video_id = v.id) added ON true
         WHERE ${folded} OPERATOR(${schema}.<%) ${titles} AND ${notExcluded} AND ${filterClauses(f, q.channel)}
         ORDER BY ${schema}.word_similarity(${folded}, ${titles}) DESC, added.at DESC NULLS LAST, v.id DESC
         LIMIT ${limit}`,
  );
  const details = await videoDetails(db, rows.map((r) => r.id));
  return { total: rows[0]?.total ?? 0, hits: rows.map((r) => ({ ...details.get(r.id)!, rowId: r.id, matchedIn: 'close' as const, lastAddedAt: toDate(r.at) })) };
}

type Details = Omit<HitRow, 'rowId' | 'matchedIn' | 'lastAddedAt'>;

async function videoDetails(db: Db, ids: number[]): Promise<Map<number, Details>> {
  if (ids.length === 0) return new Map();
  const rows = await selectRows(
    db,
    sql`SELECT v.id, v.youtube_id, v.title, v.former_titles, v.channel_title, v.channel_id, v.duration_seconds, v.published_at,
               v.unavailable_reason, v.unavailable_since
          FROM videos v WHERE v.id = ANY(${sql.param(ids)}::int[])`,
  );
  return new Map(
    rows.map((r) => [
      r.id as number,
      {
        videoId: r.youtube_id as string,
        title: r.title as string | null,
        formerTitles: (r.former_titles as string[] | null) ?? [],
        channelTitle: r.channel_title as string | null,
        channelId: r.channel_id as string | null,
        durationSeconds: r.duration_seconds as number | null,
        publishedAt: toDate(r.published_at),
        unavailableReason: r.unavailable_reason as string | null,
        unavailableSince: toDate(r.unavailable_since),
      },
    ]),
  );
}
