import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { playlists } from '../db/schema.js';
import type { EtagStore } from '../youtube/etag-store.js';
import { NotFound, type YouTubeClient } from '../youtube/client.js';
import type { ItemRecord, PlaylistRecord } from '../youtube/records.js';
import { transaction, type RunControl } from './control.js';
import {
  markItemsRemoved,
  markPlaylistRemoved,
  markPlaylistsRemoved,
  playlistRowId,
  reviveItems,
  upsertLikesPlaylist,
  upsertPlaylists,
  videosToDetail,
  writeItems,
  writeVideos,
} from './mirror-store.js';
import { runPagedPass } from './paged-pass.js';
import {
  advance,
  markDone,
  planPlaylists,
  restart,
  resumePoint,
  resumePoints,
  seenIds,
  type ResumePoint,
  type RunRow,
} from './run-store.js';

export interface PassContext {
  db: Db;
  client: YouTubeClient;
  etags: EtagStore;
  control: RunControl;
  run: RunRow;
  concurrency: number;
}

const VIDEOS_PER_CALL = 50;

/** Pass 1: the account's playlists (playlists.list mine=true), then the Liked list's row. */
export async function playlistsPass({ db, client, etags, control, run }: PassContext): Promise<void> {
  const point = await resumePoint(db, run.id, 'playlists');
  if (point.done) return;
  control.reporter.progress('playlists: reading the list');
  const finished = await runPagedPass<PlaylistRecord>(db, etags, point, {
    label: 'your playlists',
    fetch: (token) => client.playlistsPage(token),
    write: async (tx, records) => {
      control.tally.playlistsAdded += await upsertPlaylists(tx, records);
    },
    unchanged: async () => undefined,
    complete: async (tx, done) => {
      control.tally.playlistsRemoved += await markPlaylistsRemoved(tx, seenIds(done));
      if (run.likesPlaylistId) await upsertLikesPlaylist(tx, run.likesPlaylistId);
    },
  }, control);
  if (finished) control.reporter.event('playlists: done');
}

/** Pass 2: every live playlist's items (and the Liked list), several playlists at once. */
export async function itemsPass(ctx: PassContext): Promise<void> {
  const { db, client, control, run } = ctx;
  let points = await resumePoints(db, run.id, 'items');
  if (points.length === 0) {
    const live = await db
      .select({ youtubeId: playlists.youtubeId, etag: playlists.etag, itemCount: playlists.itemCount })
      .from(playlists)
      .where(isNull(playlists.removedAt))
      .orderBy(playlists.id);
    await planPlaylists(db, run.id, live);
    points = await resumePoints(db, run.id, 'items');
  }
  const pending = points.filter((p) => !p.done);
  // Only playlists read partly by an earlier invocation can have shifted under their tokens.
  const partlyRead = pending.filter((p) => p.nextPageToken !== null);
  const restarted = partlyRead.length > 0 ? await restartShifted(ctx, partlyRead) : new Map<number, ResumePoint>();

  let finished = points.length - pending.length;
  const report = () => control.reporter.progress(`items: ${finished}/${points.length} playlists`);
  report();
  await control.all(pending, ctx.concurrency, async (start) => {
    const point = restarted.get(start.id) ?? start;
    if (await playlistItems(ctx, point)) {
      finished++;
      report();
    }
  });
  if (!control.stopped) control.reporter.event(`items: ${points.length} playlists read`);
}

/**
 * A run resumed in a new invocation continues from stored page tokens, which are offsets. One
 * playlists.list call (per 50) tells whether a partly read playlist changed since (etag or
 * itemCount): those start over, the rest continue where they stopped.
 */
async function restartShifted({ db, client, control }: PassContext, partlyRead: ResumePoint[]): Promise<Map<number, ResumePoint>> {
  const restarted = new Map<number, ResumePoint>();
  for (let i = 0; i < partlyRead.length; i += 50) {
    const batch = partlyRead.slice(i, i + 50);
    const current = new Map((await client.playlistsById(batch.map((p) => p.playlistYoutubeId!))).map((p) => [p.youtubeId, p]));
    for (const point of batch) {
      const now = current.get(point.playlistYoutubeId!);
      // Not returned (e.g. the Liked list, or a deleted playlist): the size checks of the pass remain.
      if (!now) continue;
      const changed = (point.playlistEtag !== null && now.etag !== point.playlistEtag) || (point.itemCount !== null && now.itemCount !== point.itemCount);
      if (changed) {
        control.tally.restarts++;
        control.reporter.event(`playlist ${point.playlistYoutubeId}: changed since the last run; reading it again from the start`);
        restarted.set(point.id, await restart(db, point, { playlistEtag: now.etag, itemCount: now.itemCount }));
      }
    }
  }
  return restarted;
}

async function playlistItems({ db, client, etags, control }: PassContext, point: ResumePoint): Promise<boolean> {
  const playlistYoutubeId = point.playlistYoutubeId!;
  const playlistId = await playlistRowId(db, playlistYoutubeId);
  if (playlistId === undefined) {
    await transaction(db, (tx) => markDone(tx, point));
    return true;
  }
  try {
    return await runPagedPass<ItemRecord>(db, etags, point, {
      label: `playlist ${playlistYoutubeId}`,
      fetch: (token, offset) => client.playlistItemsPage(playlistYoutubeId, token, offset),
      write: async (tx, records) => {
        const written = await writeItems(tx, playlistId, records);
        control.tally.itemsChanged += written.itemsChanged;
        control.tally.videosDiscovered += written.videosDiscovered;
        control.tally.videosUnavailable += written.videosHidden;
      },
      unchanged: async (tx, ids) => {
        control.tally.itemsChanged += await reviveItems(tx, ids);
      },
      complete: async (tx, done) => {
        control.tally.itemsRemoved += await markItemsRemoved(tx, playlistId, seenIds(done));
        // The Liked list has no playlists.list entry; its size comes from the items pass.
        await tx
          .update(playlists)
          .set({ itemCount: done.totalResults, lastFetched: sql`now()` })
          .where(and(eq(playlists.id, playlistId), eq(playlists.kind, 'likes')));
      },
    }, control);
  } catch (error) {
    if (!(error instanceof NotFound)) throw error;
    // playlistNotFound: deleted since the playlists pass (or made private by its owner).
    control.reporter.event(`playlist ${playlistYoutubeId}: no longer exists; marked removed`);
    control.tally.playlistsRemoved++;
    await transaction(db, async (tx) => {
      await markPlaylistRemoved(tx, playlistYoutubeId);
      await markDone(tx, point);
    });
    return true;
  }
}

/**
 * Pass 3: details of every video referenced by a live item, 50 per call. Ids YouTube leaves
 * out are deleted or private. The ids already detailed in this run are the resume point.
 */
export async function videosPass({ db, client, etags, control, run, concurrency }: PassContext): Promise<void> {
  let point = await resumePoint(db, run.id, 'videos');
  if (point.done) return;
  const ids = await videosToDetail(db, seenIds(point));
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += VIDEOS_PER_CALL) batches.push(ids.slice(i, i + VIDEOS_PER_CALL));
  const total = point.itemsFetched + ids.length;
  let fetched = point.itemsFetched;
  control.reporter.progress(`videos: ${fetched}/${total}`);

  await control.all(batches, concurrency, async (batch) => {
    const page = await client.videosByIds(batch);
    await transaction(db, async (tx) => {
      if (page.records) {
        const written = await writeVideos(tx, batch, page.records);
        control.tally.videosUpdated += written.updated;
        control.tally.videosUnavailable += written.becameUnavailable;
      } else {
        control.tally.pagesNotModified++;
      }
      await etags.remember(tx, page.requestKey, page.etag, {
        ids: page.ids,
        rawCount: page.rawCount,
        nextPageToken: null,
        totalResults: page.totalResults,
      });
      point = await advance(tx, point, { ids: batch, rawCount: batch.length, nextPageToken: batch.at(-1)!, totalResults: total });
    });
    fetched += batch.length;
    control.reporter.progress(`videos: ${fetched}/${total}`);
  });
  if (control.stopped) return;
  await transaction(db, (tx) => markDone(tx, point));
  control.reporter.event(`videos: ${total} checked`);
}
