import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { selectRows, toDate } from '../db/values.js';
import type { QueryTerm } from './query-terms.js';

/**
 * The search itself, in PostgreSQL (migrations/0005_search.sql made the objects):
 * `videos.search_document` holds each video's titles (current and former, weight A), channel
 * (B) and description (C) as a tsvector in the accent-folding `ytsync_search` configuration,
 * behind a GIN index. A query's terms are folded by the same function as the documents
 * (ytsync_search_text), so what matches is decided in one place.
 */

/** The tsqueries of one search, as text (a tsquery's text form casts back to it unchanged). */
export interface CompiledQuery {
  /** Everything the hits must satisfy: the wanted terms and none of the excluded ones. */
  match: string;
  /** The wanted terms alone: which part of a video they are all found in ranks it. */
  wanted: string;
  /** The excluded terms (OR-ed), or null. */
  excluded: string | null;
  /** `--channel`'s words, each also as a prefix, all in the channel name; or null. */
  channel: string | null;
}

/** A word finds itself and the longer words it begins; its characters are folded as documents are. */
const wordQuery = (word: string): SQL =>
  sql`to_tsquery('ytsync_search', '''' || replace(replace(ytsync_search_text(ARRAY[${word}::text], true), '\\', '\\\\'), '''', '''''') || ''':*')`;

const phraseQuery = (phrase: string): SQL => sql`phraseto_tsquery('ytsync_search', ytsync_search_text(ARRAY[${phrase}::text], true))`;

const termQuery = (term: QueryTerm): SQL => (term.phrase ? phraseQuery(term.text) : wordQuery(term.text));

const all = (parts: SQL[]): SQL => (parts.length === 0 ? sql`''::tsquery` : sql.join(parts, sql` && `));
const any = (parts: SQL[]): SQL => (parts.length === 0 ? sql`''::tsquery` : sql.join(parts, sql` || `));

/**
 * The terms as tsqueries, or null when no wanted term has anything to look for (only
 * punctuation, say): an empty tsquery would match nothing and say nothing.
 */
export async function compileQuery(db: Db, terms: QueryTerm[], channel: string | null): Promise<CompiledQuery | null> {
  const wanted = all(terms.filter((t) => !t.exclude).map(termQuery));
  const excluded = any(terms.filter((t) => t.exclude).map(termQuery));
  const channelWords = channel === null ? [] : channel.split(/\s+/u).filter(Boolean);
  const [row] = await selectRows<{ match: string; wanted: string; excluded: string; channel: string; wanted_nodes: number; channel_nodes: number }>(
    db,
    sql`SELECT (w && !!x)::text AS match, w::text AS wanted, x::text AS excluded, c::text AS channel,
               numnode(w) AS wanted_nodes, numnode(c) AS channel_nodes
          FROM (SELECT ${wanted} AS w, ${excluded} AS x, ${all(channelWords.map(wordQuery))} AS c) q`,
  );
  if (!row || row.wanted_nodes === 0) return null;
  return {
    match: row.excluded === '' ? row.wanted : row.match,
    wanted: row.wanted,
    excluded: row.excluded === '' ? null : row.excluded,
    channel: row.channel_nodes > 0 ? row.channel : null,
  };
}

export interface SearchFilters {
  /** playlists.id of `--playlist`. */
  playlistRowId: number | null;
  /** The raw `--channel` value: a channel id matches too. */
  channelId: string | null;
  unavailable: boolean;
  removed: boolean;
}

function filterClauses(filters: SearchFilters, channelQuery: string | null): SQL {
  const clauses: SQL[] = [];
  if (filters.channelId !== null) {
    const byName = channelQuery === null ? sql`false` : sql`ts_filter(v.search_document, '{b}') @@ ${channelQuery}::tsquery`;
    clauses.push(sql`(v.channel_id = ${filters.channelId} OR ${byName})`);
  }
  if (filters.unavailable) clauses.push(sql`v.unavailable_since IS NOT NULL`);
  if (filters.playlistRowId !== null || filters.removed) {
    // "--playlist X --removed": what left X, not what left another list and is still in X.
    const inList = filters.playlistRowId === null ? sql`true` : sql`f.playlist_id = ${filters.playlistRowId}`;
    const left = filters.removed ? sql`f.removed_at IS NOT NULL` : sql`true`;
    clauses.push(sql`EXISTS (SELECT 1 FROM playlist_videos f WHERE f.video_id = v.id AND ${inList} AND ${left})`);
  }
  return clauses.length === 0 ? sql`true` : sql.join(clauses, sql` AND `);
}

/** Where the wanted terms were all found: the titles, the titles and channel, or only with the description. */
export type MatchedIn = 'title' | 'channel' | 'description' | 'close';
const TIERS: MatchedIn[] = ['title', 'channel', 'description'];

export interface HitRow {
  rowId: number;
  matchedIn: MatchedIn;
  lastAddedAt: Date | null;
  total: number;
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

/** When the video was last put in one of your lists: the tie-breaker of the ranking. */
const LAST_ADDED = sql`LEFT JOIN LATERAL (SELECT max(coalesce(pv.added_at, pv.first_seen)) AS at FROM playlist_videos pv WHERE pv.video_id = h.id) added ON true`;

const VIDEO_COLUMNS = sql`v.youtube_id, v.title, v.former_titles, v.channel_title, v.channel_id, v.duration_seconds, v.published_at,
                          v.unavailable_reason, v.unavailable_since`;

/**
 * Ranked hits: the titles before the channel before the description, then the most recently
 * added first. `total` counts every hit, not only the `limit` returned.
 */
export async function findHits(db: Db, query: CompiledQuery, filters: SearchFilters, limit: number): Promise<HitRow[]> {
  const rows = await selectRows(
    db,
    sql`WITH hits AS (
          SELECT v.id,
                 CASE WHEN ts_filter(v.search_document, '{a}') @@ ${query.wanted}::tsquery THEN 0
                      WHEN ts_filter(v.search_document, '{a,b}') @@ ${query.wanted}::tsquery THEN 1 ELSE 2 END AS tier
            FROM videos v
           WHERE v.search_document @@ ${query.match}::tsquery AND ${filterClauses(filters, query.channel)}
        ), ranked AS (
          SELECT h.id, h.tier, added.at AS last_added, count(*) OVER () AS total
            FROM hits h ${LAST_ADDED}
           ORDER BY h.tier, added.at DESC NULLS LAST, h.id DESC
           LIMIT ${limit}
        )
        SELECT r.id AS row_id, r.tier, r.last_added, r.total::int AS total, ${VIDEO_COLUMNS}
          FROM ranked r JOIN videos v ON v.id = r.id
         ORDER BY r.tier, r.last_added DESC NULLS LAST, r.id DESC`,
  );
  return rows.map((r) => toHit(r, TIERS[r.tier as number]!));
}

/**
 * Titles that come close to the wanted words (a typo, a word cut short in the middle) when
 * nothing matched: pg_trgm's word similarity, through the trigram index on the titles. Only
 * where the extension is installed (`trigramSchema`).
 */
export async function findCloseHits(
  db: Db,
  terms: QueryTerm[],
  query: CompiledQuery,
  filters: SearchFilters,
  limit: number,
  trigramSchema: string,
): Promise<HitRow[]> {
  const words = terms.filter((t) => !t.exclude).map((t) => t.text).join(' ');
  const titles = sql`ytsync_search_text(array_prepend(v.title, v.former_titles))`;
  const folded = sql`ytsync_search_text(ARRAY[${words}::text])`;
  const schema = sql.raw(trigramSchema);
  const notExcluded = query.excluded === null ? sql`true` : sql`NOT (v.search_document @@ ${query.excluded}::tsquery)`;
  const rows = await selectRows(
    db,
    sql`WITH hits AS (
          SELECT v.id, ${schema}.word_similarity(${folded}, ${titles}) AS similarity
            FROM videos v
           WHERE ${folded} OPERATOR(${schema}.<%) ${titles} AND ${notExcluded} AND ${filterClauses(filters, query.channel)}
        ), ranked AS (
          SELECT h.id, h.similarity, added.at AS last_added, count(*) OVER () AS total
            FROM hits h ${LAST_ADDED}
           ORDER BY h.similarity DESC, added.at DESC NULLS LAST, h.id DESC
           LIMIT ${limit}
        )
        SELECT r.id AS row_id, r.last_added, r.total::int AS total, ${VIDEO_COLUMNS}
          FROM ranked r JOIN videos v ON v.id = r.id
         ORDER BY r.similarity DESC, r.last_added DESC NULLS LAST, r.id DESC`,
  );
  return rows.map((r) => toHit(r, 'close'));
}

function toHit(r: Record<string, unknown>, matchedIn: MatchedIn): HitRow {
  return {
    rowId: r.row_id as number,
    matchedIn,
    lastAddedAt: toDate(r.last_added),
    total: r.total as number,
    videoId: r.youtube_id as string,
    title: r.title as string | null,
    formerTitles: (r.former_titles as string[] | null) ?? [],
    channelTitle: r.channel_title as string | null,
    channelId: r.channel_id as string | null,
    durationSeconds: r.duration_seconds as number | null,
    publishedAt: toDate(r.published_at),
    unavailableReason: r.unavailable_reason as string | null,
    unavailableSince: toDate(r.unavailable_since),
  };
}

export interface Membership {
  playlistId: string;
  title: string | null;
  kind: string;
  /** When the video was (last) added to it. */
  addedAt: Date | null;
  /** null while one of its items in the list is live; else when the last one left. */
  removedAt: Date | null;
  playlistRemovedAt: Date | null;
}

/** The lists each video is in or was in: the live ones first, then the ones it left, latest first. */
export async function membershipsOf(db: Db, rowIds: number[]): Promise<Map<number, Membership[]>> {
  const found = new Map<number, Membership[]>();
  if (rowIds.length === 0) return found;
  const rows = await selectRows(
    db,
    sql`SELECT x.video_id, p.youtube_id, p.title, p.kind, p.removed_at AS playlist_removed_at, x.added_at, x.removed_at
          FROM (SELECT pv.video_id, pv.playlist_id, max(pv.added_at) AS added_at,
                       CASE WHEN bool_or(pv.removed_at IS NULL) THEN NULL ELSE max(pv.removed_at) END AS removed_at
                  FROM playlist_videos pv WHERE pv.video_id = ANY(${sql.param(rowIds)}::int[])
                 GROUP BY pv.video_id, pv.playlist_id) x
          JOIN playlists p ON p.id = x.playlist_id
         ORDER BY x.video_id, (x.removed_at IS NOT NULL OR p.removed_at IS NOT NULL), x.removed_at DESC, x.added_at DESC NULLS LAST, p.id`,
  );
  for (const r of rows) {
    const list = found.get(r.video_id as number) ?? [];
    list.push({
      playlistId: r.youtube_id as string,
      title: r.title as string | null,
      kind: r.kind as string,
      addedAt: toDate(r.added_at),
      removedAt: toDate(r.removed_at),
      playlistRemovedAt: toDate(r.playlist_removed_at),
    });
    found.set(r.video_id as number, list);
  }
  return found;
}
