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
  storePage,
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
export async function playlistsPass({ db, client, control, run }: PassContext): Promise<void> {
  const point = await resumePoint(db, run.id, 'playlists');
  if (point.done) return;
  control.reporter.progress('playlists: reading the list');
  const finished = await runPagedPass<PlaylistRecord>(db, point, {
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
  const { db, control, run } = ctx;
  let points = await resumePoints(db, run.id, 'items');
  const plannedNow = points.length === 0;
  if (plannedNow) {
    const live = await db
      .select({ youtubeId: playlists.youtubeId, etag: playlists.etag, itemCount: playlists.itemCount })
      .from(playlists)
      .where(isNull(playlists.removedAt))
      .orderBy(playlists.id);
    await planPlaylists(db, run.id, live);
    points = await resumePoints(db, run.id, 'items');
  }
  const pending = points.filter((p) => !p.done);
  // Planned in an earlier invocation: the lists left to read may have changed since it read
  // their metadata (playlists pass) or their first pages. Planned now, everything is fresh.
  const restarted = !plannedNow && pending.length > 0 ? await restartShifted(ctx, pending) : new Map<number, ResumePoint>();

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
 * playlists.list call (per 50) refreshes the metadata of the playlists left to read (title,
 * itemCount… as they are now, not as when the run started) and tells whether a partly read
 * one changed since (etag or itemCount): those start over, the rest continue where they stopped.
 * The Liked list has no playlists.list entry: see likesShifted.
 */
async function restartShifted(ctx: PassContext, pending: ResumePoint[]): Promise<Map<number, ResumePoint>> {
  const { db, client, control, run } = ctx;
  const restarted = new Map<number, ResumePoint>();
  const startOver = async (point: ResumePoint, baseline: { playlistEtag?: string | null; itemCount?: number | null } = {}) => {
    control.tally.restarts++;
    control.reporter.event(`playlist ${point.playlistYoutubeId}: changed since the last run; reading it again from the start`);
    restarted.set(point.id, await restart(db, point, baseline));
  };
  for (let i = 0; i < pending.length; i += 50) {
    const batch = pending.slice(i, i + 50);
    const current = new Map((await client.playlistsById(batch.map((p) => p.playlistYoutubeId!))).map((p) => [p.youtubeId, p]));
    const refreshed = [...current.values()].filter((p) => p.youtubeId !== run.likesPlaylistId);
    if (refreshed.length > 0) await transaction(db, async (tx) => void (await upsertPlaylists(tx, refreshed)));
    for (const point of batch) {
      if (point.nextPageToken === null) continue; // not started: read from its first page anyway
      if (point.playlistYoutubeId === run.likesPlaylistId) {
        if (await likesShifted(ctx, point)) await startOver(point);
        continue;
      }
      const now = current.get(point.playlistYoutubeId!);
      // Not returned (e.g. a deleted playlist): the items pass finds out, and its size checks remain.
      if (!now) continue;
      const changed = (point.playlistEtag !== null && now.etag !== point.playlistEtag) || (point.itemCount !== null && now.itemCount !== point.itemCount);
      if (changed) await startOver(point, { playlistEtag: now.etag, itemCount: now.itemCount });
    }
  }
  return restarted;
}

/**
 * Whether the partly read Liked list changed since its first pages were stored. New likes
 * always appear at its front and it cannot be reordered, so any like since then changes its
 * first page, and an unlike alone changes its size: one call (a 304 when nothing changed)
 * answers both. A changed size is also caught later by the pass itself; checking it here
 * saves reading the rest of the list before starting over.
 */
async function likesShifted({ client, etags }: PassContext, point: ResumePoint): Promise<boolean> {
  const head = await client.playlistItemsPage(point.playlistYoutubeId!, null, 0);
  if (head.totalResults !== null && point.totalResults !== null && head.totalResults !== point.totalResults) return true;
  if (head.records === null) return false; // 304: the first page is the one stored
  const stored = await etags.get(head.requestKey);
  return stored === undefined || stored.digest.ids.join(',') !== head.ids.join(',');
}

async function playlistItems({ db, client, control }: PassContext, point: ResumePoint): Promise<boolean> {
  const playlistYoutubeId = point.playlistYoutubeId!;
  const playlistId = await playlistRowId(db, playlistYoutubeId);
  if (playlistId === undefined) {
    await transaction(db, (tx) => markDone(tx, point));
    return true;
  }
  try {
    return await runPagedPass<ItemRecord>(db, point, {
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
export async function videosPass({ db, client, control, run, concurrency }: PassContext): Promise<void> {
  let point = await resumePoint(db, run.id, 'videos');
  if (point.done) return;
  const ids = await videosToDetail(db, seenIds(point));
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += VIDEOS_PER_CALL) batches.push(ids.slice(i, i + VIDEOS_PER_CALL));
  const total = point.itemsFetched + ids.length;
  let fetched = point.itemsFetched;
  control.reporter.progress(`videos: ${fetched}/${total}`);

  await control.pipeline(batches, concurrency, (batch) => client.videosByIds(batch), async (batch, page) => {
    await control.pageTransaction(db, async (tx, units) => {
      if (page.records) {
        const written = await writeVideos(tx, batch, page.records);
        control.tally.videosUpdated += written.updated;
        control.tally.videosUnavailable += written.becameUnavailable;
      } else {
        control.tally.pagesNotModified++;
      }
      // The requested ids are the resume point: not asked for again in this run. (A later 304
      // for the same batch needs no digest: it means nothing to write.)
      const digest = { ids: batch, rawCount: batch.length, nextPageToken: batch.at(-1)!, totalResults: total };
      point = await storePage(tx, point, digest, page, units);
    });
    fetched += batch.length;
    control.reporter.progress(`videos: ${fetched}/${total}`);
  });
  if (control.stopped) return;
  await transaction(db, (tx) => markDone(tx, point));
  control.reporter.event(`videos: ${total} checked`);
}
