import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { decodePageToken } from '../fakes/api-resources.js';
import type { RequestInfo } from '../fakes/youtube-emulator.js';
import { rows } from './scenario.js';

/**
 * What an interrupted run left for the next invocation, and what the README's bound says the
 * next invocation spends on top of the minimum to trust it (README "Quota"): the pages already
 * stored of every list it left partly read — playlists, subscriptions, a playlist's items — (read
 * again from the start: page tokens are offsets),
 * and, when lists are left to read, one call per 50 playlists to read the list of playlists again.
 */
export interface Interruption {
  /** Lists (playlist ids, or null for the list of playlists or of subscriptions) partly read, with their pages stored. */
  partlyRead: Array<{ list: string | null; pages: number }>;
  /** Lists whose read was complete: never fetched again in this run. */
  doneLists: string[];
  /** Lists are left to read: the next invocation reads the list of playlists again first. */
  listingAgain: boolean;
}

export async function interruption(db: Db): Promise<Interruption> {
  const points = await rows<{ pass: string; playlist_youtube_id: string | null; next_page_token: string | null; done: boolean }>(
    db,
    sql`SELECT pass, playlist_youtube_id, next_page_token, done FROM sync_state ORDER BY id`,
  );
  const lists = points.filter((p) => p.pass !== 'videos');
  return {
    partlyRead: lists
      .filter((p) => !p.done && p.next_page_token !== null)
      // The emulator's tokens are offsets, as YouTube's are; every page but the last covers 50 places.
      .map((p) => ({ list: p.playlist_youtube_id, pages: decodePageToken(p.next_page_token!).offset / 50 })),
    doneLists: lists.filter((p) => p.pass === 'items' && p.done).map((p) => p.playlist_youtube_id!),
    listingAgain: points.some((p) => p.pass === 'items' && !p.done),
  };
}

/** Units the next invocation spends verifying what this interruption left (see above). */
export function verificationUnits(stop: Interruption, playlists: number): number {
  const rereads = stop.partlyRead.reduce((n, p) => n + p.pages, 0);
  return rereads + (stop.listingAgain ? Math.max(1, Math.ceil(playlists / 50)) : 0);
}

/**
 * List pages fetched more than once, as "playlistId@pageToken": after interruptions without
 * changes to the library, only the pages of lists left partly read may be fetched again.
 */
export function expectRefetchedOnly(requests: RequestInfo[], partlyRead: Array<string | null>): void {
  const seen = new Map<string, number>();
  for (const r of requests) {
    if (r.resource !== 'playlistItems' || (r.status !== 200 && r.status !== 304)) continue;
    const key = `${r.query.playlistId}@${r.query.pageToken ?? ''}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const twice = [...seen].filter(([, n]) => n > 1).map(([key]) => key.split('@')[0]!);
  expect([...new Set(twice)].sort()).toEqual([...new Set(partlyRead.filter((l): l is string => l !== null))].sort());
}
