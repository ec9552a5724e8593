import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { generateLibrary, type GenerateLibraryOptions } from '../fakes/generate-library.js';
import { YouTubeEmulator, type YouTubeEmulatorOptions } from '../fakes/youtube-emulator.js';
import { createWorkspace, type Workspace } from './database.js';

/** An emulator serving a generated library, and a logged-in workspace pointed at it. */
export interface Scenario {
  emulator: YouTubeEmulator;
  ws: Workspace;
  refreshToken: string;
  stop(): Promise<void>;
}

export async function startScenario(
  library: GenerateLibraryOptions,
  options: Omit<YouTubeEmulatorOptions, 'library'> = {},
): Promise<Scenario> {
  const emulator = await YouTubeEmulator.start({ ...options, library: generateLibrary(library) });
  const ws = await createWorkspace(emulator);
  const refreshToken = await ws.seedCredentials(emulator);
  return {
    emulator,
    ws,
    refreshToken,
    async stop() {
      await emulator.stop();
      await ws.cleanup();
    },
  };
}

export async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

export interface StateRow {
  id: number;
  pass: string;
  playlist_youtube_id: string | null;
  next_page_token: string | null;
  items_fetched: number;
  done: boolean;
}

/** The resume points (SPEC.md `sync_state`). */
export async function syncState(db: Db): Promise<StateRow[]> {
  return rows<StateRow>(
    db,
    sql`SELECT id, pass, playlist_youtube_id, next_page_token, items_fetched, done FROM sync_state ORDER BY id`,
  );
}

/** Items of a playlist stored in the mirror: all of them, or with `live` only those not marked removed. */
export async function storedItemCount(db: Db, playlistYoutubeId: string, { live = false } = {}): Promise<number> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM playlist_videos pv JOIN playlists p ON p.id = pv.playlist_id
         WHERE p.youtube_id = ${playlistYoutubeId} AND (${!live} OR pv.removed_at IS NULL)`,
  );
  return row!.n;
}

/** Row counts of every table the program writes, for "the database was not touched". */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const [row] = await rows<Record<string, number>>(
    db,
    sql`SELECT (SELECT count(*)::int FROM playlists) AS playlists,
               (SELECT count(*)::int FROM videos) AS videos,
               (SELECT count(*)::int FROM playlist_videos) AS playlist_videos,
               (SELECT count(*)::int FROM playlist_videos WHERE removed_at IS NOT NULL) AS removed_items,
               (SELECT count(*)::int FROM videos WHERE unavailable_since IS NOT NULL) AS unavailable_videos,
               (SELECT count(*)::int FROM sync_state) AS sync_state,
               (SELECT coalesce(sum(units), 0)::int FROM quota_usage) AS ledger_units`,
  );
  return row!;
}

/** Row versions of playlists (rowWrites covers videos and playlist_videos). */
export async function playlistWrites(db: Db): Promise<string> {
  const [row] = await rows<{ v: string }>(
    db,
    sql`SELECT coalesce(string_agg(id::text || ':' || xmin::text, ',' ORDER BY id), '') AS v FROM playlists`,
  );
  return row!.v;
}

/** Expected failures print one `ytsync:` message, never a stack trace. */
export function expectNoStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(stderr).not.toMatch(/unexpected failure/);
}
