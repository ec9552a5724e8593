import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../support/cli.js';
import { createWorkspace, TEST_DATABASE, type Workspace } from '../support/database.js';
import { rows } from '../support/scenario.js';

// Issue 12: a common word ranks its hits as a rare one does — titles, then channels, then
// descriptions, the most recently added first — though broad tiers are ranked by walking the
// items rather than by looking every hit up. Checked against the ranking spelt out in one query.

describe(`search ranks broad queries as narrow ones (${TEST_DATABASE})`, () => {
  let ws: Workspace;

  beforeAll(async () => {
    ws = await createWorkspace();
    // 3,000 videos: "common" in 2,500 titles; "widely" in 10 titles, 10 channel names and ~2,900
    // descriptions; added at scattered times.
    await ws.withDb(async (db) => {
      await db.execute(sql`INSERT INTO playlists (youtube_id, kind, title) VALUES ('PLa', 'playlist', 'A'), ('PLb', 'playlist', 'B')`);
      await db.execute(sql`
        INSERT INTO videos (youtube_id, title, channel_title, description)
        SELECT 'vid' || lpad(g::text, 8, '0'),
               'clip ' || g || CASE WHEN g % 6 <> 0 THEN ' common' ELSE '' END || CASE WHEN g % 300 = 0 THEN ' widely' ELSE '' END,
               CASE WHEN g % 300 = 150 THEN 'Widely Known' ELSE 'Channel ' || (g % 40) END,
               CASE WHEN g % 31 <> 0 THEN 'seen widely on the web' ELSE 'nothing' END
          FROM generate_series(1, 3000) g`);
      // Each video once in A; every other one in B too, a minute earlier (its last addition is A's).
      await db.execute(sql`
        INSERT INTO playlist_videos (youtube_id, playlist_id, video_id, position, added_at)
        SELECT 'item' || g, 1, g, g, timestamptz '2020-01-01' + ((g * 104729) % 100000) * interval '1 minute' FROM generate_series(1, 3000) g
        UNION ALL
        SELECT 'itemB' || g, 2, g, g, timestamptz '2020-01-01' + ((g * 104729) % 100000 - 1) * interval '1 minute' FROM generate_series(2, 3000, 2) g`);
      // As autovacuum would: the row counts decide between walking the items and looking hits up.
      await db.execute(sql`ANALYZE`);
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
  });

  /** The ranking as one query: every hit's tier and last addition, sorted. */
  async function expected(wanted: string, excluded: string | null, limit: number): Promise<{ ids: string[]; total: number; lastAdded: number[] }> {
    return ws.withDb(async (db) => {
      const found = await rows<{ youtube_id: string; total: number; ms: string }>(
        db,
        sql`WITH q AS (SELECT to_tsquery('ytsync_search', ${wanted}) AS w,
                              to_tsquery('ytsync_search', ${wanted}) && !!to_tsquery('ytsync_search', ${excluded ?? ''}) AS m)
            SELECT v.youtube_id, count(*) OVER ()::int AS total,
                   (extract(epoch FROM (SELECT max(coalesce(pv.added_at, pv.first_seen)) FROM playlist_videos pv WHERE pv.video_id = v.id)) * 1000)::bigint::text AS ms
              FROM videos v, q
             WHERE v.search_document @@ (CASE WHEN ${excluded}::text IS NULL THEN q.w ELSE q.m END)
             ORDER BY CASE WHEN ts_filter(v.search_document, '{a}') @@ q.w THEN 0 WHEN ts_filter(v.search_document, '{a,b}') @@ q.w THEN 1 ELSE 2 END,
                      (SELECT max(coalesce(pv.added_at, pv.first_seen)) FROM playlist_videos pv WHERE pv.video_id = v.id) DESC NULLS LAST, v.id DESC
             LIMIT ${limit}`,
      );
      return { ids: found.map((r) => r.youtube_id), total: found[0]?.total ?? 0, lastAdded: found.map((r) => Number(r.ms)) };
    });
  }

  async function search(...args: string[]): Promise<{ ids: string[]; total: number; lastAdded: number[]; matchedIn: string[] }> {
    const result = await runInProcess(['search', '--json', ...args], ws.env);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    const hits = report.hits as Array<{ videoId: string; lastAddedAt: string; matchedIn: string }>;
    return { ids: hits.map((h) => h.videoId), total: report.total, lastAdded: hits.map((h) => Date.parse(h.lastAddedAt)), matchedIn: hits.map((h) => h.matchedIn) };
  }

  it('a word in 2,500 titles: the 20 most recently added of them', async () => {
    const got = await search('common');
    expect(got).toMatchObject(await expected('common:*', null, 20));
    expect(got.total).toBe(2500);
    expect(new Set(got.matchedIn)).toEqual(new Set(['title']));
  });

  it('a word in a few titles and channels and thousands of descriptions: all of the first two, then the newest of the third', async () => {
    const got = await search('widely', '--limit', '40');
    expect(got).toMatchObject(await expected('widely:*', null, 40));
    expect(got.matchedIn.slice(0, 21)).toEqual([...Array(10).fill('title'), ...Array(10).fill('channel'), 'description']);
  });

  it('with a word left out', async () => {
    expect(await search('common', '-widely')).toMatchObject(await expected('common:*', 'widely:*', 20));
  });
});
