import { transaction } from './run-control.js';
import { liveItemCount, markItemsRemoved, reviveItems, writeItems } from '../mirror/items.js';
import { listRow, livePlaylists, markPlaylistRemoved, recordLikesCount, type ListRow } from '../mirror/playlists.js';
import { NotFound, Refused } from '../youtube/client.js';
import type { ItemRecord } from '../youtube/records.js';
import { chunks } from './chunks.js';
import { finish, listPoints, planLists, type ResumePoint } from './checkpoint.js';
import { readList, UnreadableList, type ListTarget } from './list-read.js';
import type { PassContext } from './pass-context.js';
import { forEachConcurrently } from './worker-pool.js';

/**
 * Pass 3: the items of every live playlist and of the Liked list, several lists at once. One
 * list YouTube refuses to show never blocks the others: it is skipped with a warning naming it,
 * its stored items left exactly as they were, and the next pull tries it again.
 */
export async function itemsPass(ctx: PassContext): Promise<void> {
  const { db, control } = ctx;
  const lists = await plan(ctx);
  const points = await listPoints(db, ctx.run.id);
  const pending = points.filter((p) => !p.done);
  const notFound: Array<{ point: ResumePoint; list: ListRow }> = [];

  let finished = points.length - pending.length;
  const report = () => control.reporter.progress(`items: ${finished}/${points.length} lists`);
  report();
  await forEachConcurrently(pending, ctx.concurrency, control, async (point) => {
    // Every pending list is in the plan: planLists closed the points of lists no longer there.
    const list = lists.get(point.playlistYoutubeId!)!;
    try {
      if (!(await readList(ctx, point, itemsTarget(ctx, list)))) return;
    } catch (error) {
      if (error instanceof NotFound && list.kind === 'playlist') {
        notFound.push({ point, list }); // gone, or refusing: settled below
        return;
      }
      if (!(error instanceof Refused || error instanceof UnreadableList || error instanceof NotFound)) throw error;
      await skip(ctx, point, list, error.reason);
    }
    finished++;
    report();
  });
  await settleNotFound(ctx, notFound);
  if (!control.stopped) control.reporter.event(`items: ${points.length} lists read`);
}

/** Resume points for the lists the account has now (see checkpoint.planLists). */
async function plan({ db, run }: PassContext): Promise<Map<string, ListRow>> {
  const lists = await livePlaylists(db);
  if (run.likesPlaylistId) {
    const likes = await listRow(db, run.likesPlaylistId);
    if (likes) lists.push(likes);
  }
  await planLists(db, run.id, lists);
  return new Map(lists.map((l) => [l.youtubeId, l]));
}

function describeList(list: Pick<ListRow, 'kind' | 'title' | 'youtubeId'>): string {
  return list.kind === 'likes' ? `the Liked videos list (${list.youtubeId})` : `playlist "${list.title ?? '(untitled)'}" (${list.youtubeId})`;
}

function itemsTarget({ client }: PassContext, list: ListRow): ListTarget<ItemRecord> {
  return {
    label: describeList(list),
    pass: 'items',
    list: list.youtubeId,
    fetch: (token, offset) => client.playlistItemsPage(list.youtubeId, token, offset),
    write: async (tx, records, tally) => {
      const written = await writeItems(tx, list.id, records);
      tally.itemsChanged += written.itemsChanged;
      tally.videosDiscovered += written.videosDiscovered;
      tally.videosUnavailable += written.videosHidden;
    },
    unchanged: async (tx, ids, tally) => {
      tally.itemsChanged += await reviveItems(tx, ids);
    },
    removeUnseen: async (tx, seen, tally) => {
      tally.itemsRemoved += await markItemsRemoved(tx, list.id, seen);
    },
    // The Liked list has no playlists.list entry: its size is what its items pages report.
    finish: list.kind === 'likes' ? (tx, point) => recordLikesCount(tx, list.id, point.totalResults) : undefined,
  };
}

/** YouTube won't show this list's items: leave its stored items exactly as they are. */
async function skip(ctx: PassContext, point: ResumePoint, list: ListRow, reason: string): Promise<void> {
  const kept = await liveItemCount(ctx.db, list.id);
  const warning =
    `${describeList(list)} can't be read (YouTube says ${reason}): its ${kept.toLocaleString('en-US')} stored items are kept ` +
    'as they were; the next pull tries again.';
  ctx.control.reporter.warn(warning);
  await finish(ctx.db, point, 'skipped', warning);
}

/**
 * playlistNotFound for a playlist the run saw in playlists.list: deleted since (then it is
 * removed, with its items), or one that refuses its items this way while still listed (then it
 * is skipped like a 403). One playlists.list?id call per 50 such playlists tells which.
 */
async function settleNotFound(ctx: PassContext, lists: Array<{ point: ResumePoint; list: ListRow }>): Promise<void> {
  for (const batch of chunks(lists, 50)) {
    if (ctx.control.stopped) return;
    const listed = new Set((await ctx.client.playlistsById(batch.map((l) => l.list.youtubeId))).map((p) => p.youtubeId));
    for (const { point, list } of batch) {
      if (listed.has(list.youtubeId)) {
        await skip(ctx, point, list, 'playlistNotFound');
        continue;
      }
      ctx.control.reporter.event(`${describeList(list)} no longer exists; marked removed`);
      ctx.control.tally.playlistsRemoved++;
      await transaction(ctx.db, async (tx) => {
        await markPlaylistRemoved(tx, list.youtubeId);
        await finish(tx, point);
      });
    }
  }
}
