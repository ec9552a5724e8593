import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { UsageError } from '../errors.js';
import { availabilityOf, type Availability } from '../export/library-stream.js';
import { findPlaylists } from '../history/changes-query.js';
import { describeQuery, parseQuery, type QueryTerm } from './query-terms.js';
import { findCloseHits, findHits, type MatchedIn } from './search-ranking.js';
import { compileQuery, membershipsOf, type SearchFilters } from './search-sql.js';
import type { SearchSetup } from './search-setup.js';
import { watchUrl } from './urls.js';

export interface SearchRequest {
  query: string;
  playlist: string | null;
  channel: string | null;
  unavailable: boolean;
  removed: boolean;
  limit: number;
}

/** The document `ytsync search --json` prints (README "Browse offline"); the text is rendered from it. */
export interface SearchReport {
  query: string;
  filters: {
    playlist: { playlistId: string; title: string | null } | null;
    channel: string | null;
    unavailable: boolean;
    removed: boolean;
  };
  /** Every hit, of which `hits` holds the first `limit`. */
  total: number;
  limit: number;
  /** Nothing matched the words themselves: these are titles close to them (a typo?). */
  closeMatches: boolean;
  warnings: string[];
  hits: SearchHit[];
}

export interface SearchHit {
  videoId: string;
  url: string;
  /** The last known title: a deleted or private video keeps the one it had. */
  title: string | null;
  /** Earlier titles of a renamed video, oldest first. */
  formerTitles: string[];
  channelTitle: string | null;
  channelId: string | null;
  durationSeconds: number | null;
  publishedAt: string | null;
  availability: Availability;
  unavailableSince: string | null;
  matchedIn: MatchedIn;
  /** When you last added it to one of your lists (the tie-breaker of the ranking). */
  lastAddedAt: string | null;
  playlists: Array<{
    playlistId: string;
    title: string | null;
    kind: string;
    addedAt: string | null;
    /** When it left this list (null: it is still in it). */
    removedAt: string | null;
    /** When the list itself went (null: it still exists). */
    playlistRemovedAt: string | null;
  }>;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/**
 * Close matches are for words in Latin letters: pg_trgm takes a non-ASCII letter for a word
 * only where the database's locale says so (not in the C locale of ytsync's private server),
 * and search must answer the same on both.
 */
const latinOnly = (terms: QueryTerm[]) =>
  terms.every((t) => t.exclude || /^[\u0000-\u007f]*$/u.test(t.text.normalize('NFKD').replace(/[\u0300-\u036f]/gu, '')));

/** One search, inside the caller's read-only snapshot. */
export async function runSearch(tx: Db, request: SearchRequest, setup: SearchSetup, warnings: string[]): Promise<SearchReport> {
  const terms = parseQuery(request.query);
  if (!terms.some((t) => !t.exclude)) throw new UsageError('search needs at least one word to look for (a -word only leaves things out).');
  const only = request.playlist === null ? null : (await findPlaylists(tx, request.playlist))[0]!;
  const compiled = await compileQuery(tx, terms, request.channel);
  if (compiled === null) throw new UsageError(`"${request.query}" has no letters or digits to look for.`);
  const filters: SearchFilters = {
    playlistRowId: only?.rowId ?? null,
    channelId: request.channel,
    unavailable: request.unavailable,
    removed: request.removed,
  };

  // The planner prices a tsvector match as cheap and, for a common word, reads the whole table,
  // documents and all; the GIN index hands over the matching rows without reading documents.
  await tx.execute(sql`SET LOCAL enable_seqscan = off`);
  let { total, hits: rows } = await findHits(tx, compiled, filters, request.limit);
  let closeMatches = false;
  if (rows.length === 0 && setup.trigramSchema !== null && latinOnly(terms)) {
    ({ total, hits: rows } = await findCloseHits(tx, terms, compiled, filters, request.limit, setup.trigramSchema));
    closeMatches = rows.length > 0;
  }
  const memberships = await membershipsOf(tx, rows.map((r) => r.rowId));
  return {
    query: describeQuery(terms),
    filters: {
      playlist: only === null ? null : { playlistId: only.playlistId, title: only.title },
      channel: request.channel,
      unavailable: request.unavailable,
      removed: request.removed,
    },
    total,
    limit: request.limit,
    closeMatches,
    warnings,
    hits: rows.map((r) => ({
      videoId: r.videoId,
      url: watchUrl(r.videoId),
      title: r.title,
      formerTitles: r.formerTitles,
      channelTitle: r.channelTitle,
      channelId: r.channelId,
      durationSeconds: r.durationSeconds,
      publishedAt: iso(r.publishedAt),
      availability: availabilityOf(r.unavailableReason),
      unavailableSince: iso(r.unavailableSince),
      matchedIn: r.matchedIn,
      lastAddedAt: iso(r.lastAddedAt),
      playlists: (memberships.get(r.rowId) ?? []).map((m) => ({
        playlistId: m.playlistId,
        title: m.title,
        kind: m.kind,
        addedAt: iso(m.addedAt),
        removedAt: iso(m.removedAt),
        playlistRemovedAt: iso(m.playlistRemovedAt),
      })),
    })),
  };
}
