import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { playlists, videos } from '../../src/db/schema.js';
import { writeItems } from '../../src/mirror/items.js';
import type { ItemRecord } from '../../src/youtube/records.js';
import { createWorkspace, TEST_DATABASE, type Workspace } from '../support/database.js';

/**
 * YouTube leaves videoOwnerChannel* out of some items, so what the mirror knows of a video that
 * videos.list will never describe (deleted or made private during the pull) depends on which of
 * its items are written, and how. Found as a flaky `failures-mutations` run: the video's channel
 * was null when its only item with a channel was written while another worker's page inserted it.
 */
describe(`pages that share a video (${TEST_DATABASE})`, () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace();
  });
  afterAll(() => ws.cleanup());

  const channel = { channelId: 'UCaaaaaaaaaaaaaaaaaaaaaa', channelTitle: 'ジブリ公式' };
  const item = (id: string, video: string, shown: Partial<ItemRecord>): ItemRecord => ({
    youtubeId: id,
    videoYoutubeId: video,
    position: 0,
    addedAt: new Date('2024-01-01T00:00:00Z'),
    placeholder: null,
    title: 'A video',
    channelId: null,
    channelTitle: null,
    publishedAt: null,
    thumbnailUrl: null,
    ...shown,
  });
  const newList = async (db: Db, youtubeId: string) =>
    (await db.insert(playlists).values({ youtubeId, title: youtubeId }).returning({ id: playlists.id }))[0]!.id;
  const stored = async (db: Db, youtubeId: string) =>
    (await db.select({ channelId: videos.channelId, channelTitle: videos.channelTitle, publishedAt: videos.publishedAt }).from(videos).where(eq(videos.youtubeId, youtubeId)))[0];

  it('a page listing a video twice keeps what either item shows of it', async () => {
    await ws.withDb(async (db) => {
      const list = await newList(db, 'PLtwice');
      const published = new Date('2020-05-05T00:00:00Z');
      await db.transaction((tx) =>
        writeItems(tx, list, [
          item('item-1', 'vidTwice001', { ...channel }),
          item('item-2', 'vidTwice001', { position: 1, publishedAt: published }),
        ]),
      );
      expect(await stored(db, 'vidTwice001')).toEqual({ ...channel, publishedAt: published });
    });
  });

  it('a page waiting on another worker’s uncommitted insert of the video still fills the channel that page left out', async () => {
    await ws.withDb(async (db) => {
      const [first, second] = [await newList(db, 'PLfirst'), await newList(db, 'PLsecond')];
      let wrote!: () => void;
      let commit!: () => void;
      const firstWrote = new Promise<void>((resolve) => (wrote = resolve));
      const mayCommit = new Promise<void>((resolve) => (commit = resolve));
      // Worker 1: its item does not show the channel; it inserts the video and holds its transaction open.
      const worker1 = db.transaction(async (tx) => {
        await writeItems(tx, first, [item('item-a', 'vidShared01', {})]);
        wrote();
        await mayCommit;
      });
      await firstWrote;
      // Worker 2: its item shows the channel; its insert waits on worker 1's row.
      const worker2 = db.transaction((tx) => writeItems(tx, second, [item('item-b', 'vidShared01', { ...channel })]));
      for (let waited = 0; ; waited += 20) {
        const waiting = (await db.execute(
          sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )) as unknown as { rows: Array<{ n: number }> };
        if (waiting.rows[0]!.n > 0) break;
        if (waited > 10_000) throw new Error('worker 2 never waited on worker 1');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      commit();
      await worker1;
      const written = await worker2;
      expect(written.videosDiscovered).toBe(0);
      expect(await stored(db, 'vidShared01')).toMatchObject(channel);
    });
  });
});
