import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { YouTubeEmulator, type RequestInfo } from '../fakes/youtube-emulator.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE, type Workspace } from '../support/database.js';
import { startScenario, type Scenario } from '../support/scenario.js';
import { INTACT, integrity, referenceRequests } from '../support/failures.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';

describe(`the library changes in the middle of a pull (${TEST_DATABASE})`, () => {
  let emulator: YouTubeEmulator;
  let ws: Workspace;
  let scenario: Scenario;

  beforeEach(async () => {
    scenario = await startScenario({ seed: 31, playlists: 6, items: 360, likes: 40, deletedRate: 0.04, privateRate: 0.04, duplicateRate: 0.03 });
    ({ emulator, ws } = scenario);
    emulator.faults.set({ latencyMs: 2 });
  });
  afterEach(() => scenario.stop());

  it('a playlist deleted after its first items page (playlistNotFound → removed_at), a video deleted and one made private between the items and videos passes (unavailable_since, last known title kept, also by the next pull) → exit 0, the rest exact', async () => {
    const lib = emulator.library;
    const before = lib.expectedMirror();
    const doomed = lib.playlists.find((p) => p.items.length > 100)!;
    expect(doomed).toBeDefined();
    // Two available videos in playlists that stay (their items show their real titles).
    const elsewhere = new Set(Object.entries(before.items).filter(([id]) => id !== doomed.id).flatMap(([, list]) => list.map((i) => i.videoId)));
    const [deleted, privated] = Object.keys(before.availableVideos).filter((id) => elsewhere.has(id)).slice(3, 5) as [string, string];
    const titles = { [deleted]: lib.getVideo(deleted)!.title, [privated]: lib.getVideo(privated)!.title };
    // Items requests of this run: the reference, less the doomed playlist's pages but its first and the 404.
    const itemsRequests = referenceRequests(before).filter((r) => r === 'playlistItems').length - Math.ceil(doomed.items.length / 50) + 2;

    let itemsAnswered = 0;
    let videosBeforeMutation = 0;
    emulator.on('request', (info: RequestInfo) => {
      if (info.resource === 'videos' && itemsAnswered < itemsRequests) videosBeforeMutation++;
      if (info.resource !== 'playlistItems') return;
      if (info.query.playlistId === doomed.id && !info.query.pageToken && info.status === 200) lib.deletePlaylist(doomed.id);
      // The last items page has been answered: the videos pass has not started yet.
      if (++itemsAnswered === itemsRequests) {
        lib.deleteVideo(deleted);
        lib.makePrivate(privated);
      }
    });

    const first = await runInProcess(['pull', '--json'], ws.env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ outcome: 'complete', changes: { playlistsRemoved: 1 } });
    expect(emulator.requests.filter((r) => r.reason === 'playlistNotFound').map((r) => r.query.playlistId)).toEqual([doomed.id]);
    expect(itemsAnswered).toBe(itemsRequests);
    expect(videosBeforeMutation).toBe(0);
    const expected = lib.expectedMirror();
    expect(expected.playlists.map((p) => p.id)).not.toContain(doomed.id);
    expect(expected.unavailableVideoIds).toEqual(expect.arrayContaining([deleted, privated]));

    const check = async () =>
      ws.withDb(async (db) => {
        expect(await integrity(db)).toEqual(INTACT);
        expectExactMirror(await readMirror(db), expected);
        const { rows: gone } = (await db.execute(sql`
          SELECT p.removed_at AS playlist_removed, count(pv.id)::int AS items, count(pv.removed_at)::int AS removed_items
            FROM playlists p LEFT JOIN playlist_videos pv ON pv.playlist_id = p.id
           WHERE p.youtube_id = ${doomed.id} GROUP BY p.removed_at`)) as unknown as {
          rows: Array<{ playlist_removed: Date | null; items: number; removed_items: number }>;
        };
        expect(gone).toHaveLength(1);
        expect(gone[0]!.playlist_removed).not.toBeNull();
        // Its first page was stored before it vanished; those rows are kept, marked removed.
        expect(gone[0]).toMatchObject({ items: 50, removed_items: 50 });
        const { rows } = (await db.execute(
          sql`SELECT youtube_id, title, channel_title, unavailable_since, unavailable_reason FROM videos WHERE youtube_id IN (${deleted}, ${privated}) ORDER BY youtube_id`,
        )) as unknown as { rows: Array<{ youtube_id: string; title: string; channel_title: string | null; unavailable_since: Date | null; unavailable_reason: string | null }> };
        return rows;
      });
    const afterFirst = await check();
    expect(afterFirst).toHaveLength(2);
    for (const row of afterFirst) {
      expect(row.unavailable_since, row.youtube_id).not.toBeNull();
      expect(row.title).toBe(titles[row.youtube_id]);
      expect(row.channel_title).toBe(lib.getVideo(row.youtube_id)!.channelTitle);
    }

    // Next night: the items now show "Deleted video" / "Private video" placeholders.
    const second = await runInProcess(['pull', '--json'], ws.env);
    expect(second.code, second.stderr).toBe(0);
    const afterSecond = await check();
    console.log(`[unavailable ${TEST_DATABASE}] after the 1st pull ${JSON.stringify(afterFirst.map((r) => r.unavailable_reason))}, after the 2nd ${JSON.stringify(afterSecond.map((r) => r.unavailable_reason))}`);
    for (const [i, row] of afterSecond.entries()) {
      expect(row.title).toBe(titles[row.youtube_id]);
      expect(row.channel_title).toBe(afterFirst[i]!.channel_title);
      expect(row.unavailable_since).toEqual(afterFirst[i]!.unavailable_since);
    }
  });
});
