import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChild } from '../support/cli.js';
import { createWorkspace, TEST_DATABASE, type Workspace } from '../support/database.js';
import { serverGone } from '../support/private-server.js';
import { rows } from '../support/scenario.js';

// Issue 10, acceptance 4: a $YTSYNC_HOME/db written by ytsync 0.1.0 (PGlite 0.3, migrations
// 0000–0002) is moved to the private server on first open, every row and the history intact.

const TABLES = ['account', 'playlists', 'videos', 'playlist_videos', 'video_revisions', 'sync_runs', 'sync_state', 'pass_seen', 'quota_usage', 'etag_cache'];

/** Every row of every table as JSON text, in a stable order, times in UTC. */
async function dump(query: (text: string) => Promise<Array<Record<string, unknown>>>): Promise<Record<string, string[]>> {
  await query("SET TIME ZONE 'UTC'");
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const result = await query(`SELECT row_to_json(t)::text AS r FROM ${table} t ORDER BY row_to_json(t)::text`);
    out[table] = result.map((r) => r.r as string);
  }
  return out;
}

/** Rows (JSON text) reduced to the columns the other version's rows have too, sorted. */
function shared(rows: string[], other: string[]): string[] {
  const keep = new Set(Object.keys(JSON.parse(other[0] ?? '{}') as object));
  return rows
    .map((r) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(r) as object).filter(([k]) => other.length === 0 || keep.has(k)))))
    .sort();
}

/** A data directory as ytsync 0.1.0 left it: PGlite, the first three migrations, a library with history. */
async function makeVersion010Database(dataDir: string): Promise<void> {
  const migrations = await mkdtemp(path.join(os.tmpdir(), 'ytsync-migrations-010-'));
  try {
    await cp('migrations', migrations, { recursive: true });
    const journalFile = path.join(migrations, 'meta/_journal.json');
    const journal = JSON.parse(await readFile(journalFile, 'utf8')) as { entries: Array<{ tag: string }> };
    journal.entries = journal.entries.filter((e) => /^000[0-2]_/.test(e.tag));
    await writeFile(journalFile, JSON.stringify(journal));
    const client = new PGlite(dataDir);
    const db = drizzle({ client });
    await migrate(db, { migrationsFolder: migrations });
    await client.exec(`
      INSERT INTO account (channel_id, title, likes_playlist_id) VALUES ('UCme', 'Ada ✨ "quoted"', 'LLme');
      INSERT INTO playlists (youtube_id, kind, title, description, item_count, etag, removed_at)
        SELECT 'PL' || i, CASE WHEN i = 0 THEN 'likes' ELSE 'playlist' END, 'List ' || i || ' — ünïcode', E'line\\nbreak', i * 10, 'e' || i,
               CASE WHEN i = 3 THEN now() - interval '1 day' END
          FROM generate_series(0, 4) i;
      INSERT INTO videos (youtube_id, title, description, channel_id, channel_title, published_at, duration_seconds, privacy_status, unavailable_reason, unavailable_since)
        SELECT 'v' || i, 'Video ' || i, repeat('d', i % 50), 'UC' || (i % 7), 'Channel ' || (i % 7), timestamptz '2020-01-01 12:34:56.789+02' + i * interval '1 hour',
               i % 3600, 'public', CASE WHEN i % 31 = 0 THEN 'deleted' END, CASE WHEN i % 31 = 0 THEN now() END
          FROM generate_series(1, 4500) i;
      INSERT INTO playlist_videos (youtube_id, playlist_id, video_id, position, added_at, removed_at)
        SELECT 'item' || i, 1 + i % 5, 1 + i % 4500, i, now() - i * interval '1 minute', CASE WHEN i % 97 = 0 THEN now() END
          FROM generate_series(1, 5200) i;
      -- History kept by the trigger, as pulls left it.
      UPDATE videos SET title = title || ' (renamed)' WHERE id % 100 = 0;
      UPDATE videos SET privacy_status = 'private', unavailable_reason = 'private', unavailable_since = now() WHERE id % 250 = 0;
      INSERT INTO sync_runs (outcome, finished_at, units_spent, channel_id, summary) VALUES ('complete', now(), 123, 'UCme', '{"counts": {"items": 5200}, "note": "ok"}');
      INSERT INTO sync_runs (outcome, units_spent, invocations) VALUES ('quota', 45, 2);
      INSERT INTO sync_state (run_id, pass, playlist_youtube_id, next_page_token, items_fetched, total_results, done)
        VALUES (2, 'playlists', NULL, NULL, 5, 5, true), (2, 'items', 'PL1', 'CDIQAA', 50, 120, false), (2, 'items', 'PL2', NULL, 0, NULL, false);
      INSERT INTO pass_seen (state_id, youtube_id) SELECT 2, 'item' || i FROM generate_series(1, 50) i;
      INSERT INTO quota_usage (day, units) VALUES ('2026-11-23', 168), ('2026-11-24', 45);
      INSERT INTO etag_cache (request_key, etag, digest) VALUES ('playlists mine', 'etag1', '{"ids": ["PL1", "PL2"], "next": null}');
      -- Gaps in the sequences, as deleted resume points leave them.
      DELETE FROM sync_state WHERE id = 3;
    `);
    await client.close();
  } finally {
    await rm(migrations, { recursive: true, force: true });
  }
}

describe.runIf(TEST_DATABASE === 'embedded')('upgrade from ytsync 0.1.0 (PGlite)', () => {
  let ws: Workspace;
  beforeEach(async () => {
    ws = await createWorkspace();
    await rm(path.join(ws.home, 'db'), { recursive: true, force: true }); // no template: the old database instead
  });
  afterEach(() => ws.cleanup());

  it('is migrated on first open: every row, the history and the sequences; the old folder kept and named', async () => {
    const dataDir = path.join(ws.home, 'db');
    await mkdir(dataDir);
    await makeVersion010Database(dataDir);
    const before = await (async () => {
      const client = new PGlite(dataDir);
      try {
        return await dump(async (text) => (await client.query<Record<string, unknown>>(text)).rows);
      } finally {
        await client.close();
      }
    })();
    expect(before.videos).toHaveLength(4500);
    expect(before.video_revisions!.length).toBe(45 + 18);

    const result = await runChild(['status', '--json'], ws.env);
    expect(result.code, result.stderr).toBe(0);
    const notices = result.stderr.split('\n').filter((l) => /upgraded/.test(l));
    expect(notices).toHaveLength(1);
    const backup = /kept in (\S+)$/.exec(notices[0]!)?.[1];
    expect(backup).toMatch(new RegExp(`^${dataDir}\\.pglite-backup-\\d{8}T\\d{6}$`));
    const report = JSON.parse(result.stdout);
    expect(report.counts).toMatchObject({ playlists: 4, videos: 4500 });
    expect(report.lastRuns.map((r: { id: number }) => r.id)).toEqual([2, 1]);
    expect(await serverGone(dataDir)).toBe(true);

    await ws.withDb(async (db) => {
      const after = await dump(async (text) => rows(db, sql.raw(text)));
      // Later migrations ran on the copy (0003 dropped sync_state.playlist_etag and added columns):
      // every value of every column both versions have is the same.
      for (const table of TABLES) expect(shared(after[table]!, before[table]!), table).toEqual(shared(before[table]!, after[table]!));
      // New ids continue after the old ones (sync_state's 3 was used, then deleted).
      const [state] = await rows<{ id: number }>(db, sql`INSERT INTO sync_state (run_id, pass) VALUES (2, 'videos') RETURNING id`);
      expect(state!.id).toBe(4);
      // Search knows the renamed videos by their old titles too (derived from the copied history).
      const [renamed] = await rows<{ former_titles: string[] }>(db, sql`SELECT former_titles FROM videos WHERE youtube_id = 'v100'`);
      expect(renamed!.former_titles).toEqual(['Video 100']);
      // The trigger still keeps history after the upgrade.
      await rows(db, sql`UPDATE videos SET title = 'after the upgrade' WHERE youtube_id = 'v1'`);
      const [revisions] = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM video_revisions`);
      expect(revisions!.n).toBe(before.video_revisions!.length + 1);
    });

    // The backup is the old PGlite database, untouched in content; the next command upgrades nothing.
    const old = new PGlite(backup!);
    try {
      expect(await dump(async (text) => (await old.query<Record<string, unknown>>(text)).rows)).toEqual(before);
    } finally {
      await old.close();
    }
    const again = await runChild(['status', '--json'], ws.env);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/upgraded/);
    expect((await readdir(ws.home)).filter((f) => f.startsWith('db'))).toEqual(['db', 'db.log', path.basename(backup!)].sort());
  });
});
