import { videosToDetail, writeVideos } from '../mirror/videos.js';
import { EtagStore } from '../youtube/etag-store.js';
import { ledgerEntry } from '../youtube/quota-meter.js';
import { advance, finish, passPoint, seenEntry, seenIds, type ResumePoint } from './checkpoint.js';
import { chunks } from './chunks.js';
import { commitPageBookkeeping } from './page-commit.js';
import type { PassContext } from './pass-context.js';
import { forEachConcurrently } from './worker-pool.js';

const VIDEOS_PER_CALL = 50;

/**
 * Pass 4: details of every video a live item refers to, 50 per call, several calls at once.
 * Ids YouTube leaves out are unavailable. Unlike list pages, batches are asked for by id, so
 * they resume exactly: the ids already asked for in this run are the resume point.
 */
export async function videosPass({ db, client, control, run, concurrency }: PassContext): Promise<void> {
  const point: ResumePoint = await passPoint(db, run.id, 'videos');
  const ids = await videosToDetail(db, run.startedAt, seenIds(point));
  const batches = chunks(ids, VIDEOS_PER_CALL);
  let checked = point.itemsFetched;
  const total = checked + ids.length;
  const report = () => control.reporter.progress(`videos: ${checked}/${total}`);
  report();

  // A batch already requested is written even after a stop: its unit is spent.
  await forEachConcurrently(batches, concurrency, control, async (batch) => {
    const page = await client.videosByIds(batch);
    await control.pageTransaction(db, async (tx, units, tally) => {
      if (page.records) {
        const written = await writeVideos(tx, batch, page.records);
        tally.videosUpdated += written.updated;
        tally.videosUnavailable += written.becameUnavailable;
      } else {
        tally.pagesNotModified++;
      }
      // The requested ids are the resume point: not asked for again in this run. (A later 304
      // for the same batch needs no digest: it means nothing to write.)
      const digest = { ids: batch, rawCount: batch.length, nextPageToken: null, totalResults: total };
      const { statement } = advance(point, digest);
      await commitPageBookkeeping(tx, [statement, seenEntry(point, batch), EtagStore.entry(page.requestKey, page.etag, digest), ledgerEntry(units)]);
    });
    control.reporter.pageStored({ pass: 'videos', list: null, count: batch.length, last: true });
    checked += batch.length;
    report();
  });
  if (control.stopped) return;
  await finish(db, point);
  control.reporter.event(`videos: ${total} checked`);
}
