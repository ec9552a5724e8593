import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { selectRows, toDate } from '../db/values.js';
import type { QueryTerm } from './query-terms.js';

/**
 * What a search matches, in PostgreSQL (migrations/0005_search.sql made the objects):
 * `videos.search_document` holds each video's titles (current and former, weight A), channel
 * (B) and description (C) as a tsvector in the accent-folding `ytsync_search` configuration,
 * behind a GIN index. A query's terms are folded by the same function as the documents
 * (ytsync_search_text), so what matches is decided in one place. How hits are ranked:
 * search-ranking.ts.
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

export function filterClauses(filters: SearchFilters, channelQuery: string | null): SQL {
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
