import { markPlaylistsRemoved, upsertLikesPlaylist, upsertPlaylists } from '../mirror/playlists.js';
import type { PlaylistRecord } from '../youtube/records.js';
import { beginRead, listPoints, passPoint } from './checkpoint.js';
import { readList } from './list-read.js';
import type { PassContext } from './pass-context.js';

/**
 * Pass 1: the account's playlists (playlists.list mine=true), then the Liked list's row.
 *
 * An invocation that continues a run with lists still to read starts by reading this list
 * again (1 unit per 50 playlists): the metadata of the lists it is about to read is then
 * current, playlists created since are read too, and deleted ones are not.
 */
export async function playlistsPass(ctx: PassContext): Promise<void> {
  const { db, client, control, run } = ctx;
  let point = await passPoint(db, run.id, 'playlists');
  if (point.done) {
    const itemsLeft = (await listPoints(db, run.id)).some((p) => !p.done);
    if (!itemsLeft) return;
    point = await beginRead(db, point, false);
  }
  control.reporter.progress('playlists: reading the list');
  const finished = await readList<PlaylistRecord>(ctx, point, {
    label: 'your playlists',
    pass: 'playlists',
    list: null,
    fetch: (token) => client.playlistsPage(token),
    write: async (tx, records, tally) => {
      tally.playlistsAdded += await upsertPlaylists(tx, records);
    },
    // A 304 means the list is what it was when stored, and what it listed then is live: a
    // playlist only leaves the mirror when a later answer no longer lists it.
    unchanged: async () => undefined,
    removeUnseen: async (tx, seen, tally) => {
      tally.playlistsRemoved += await markPlaylistsRemoved(tx, seen);
    },
    finish: async (tx) => {
      if (run.likesPlaylistId) await upsertLikesPlaylist(tx, run.likesPlaylistId);
    },
  });
  if (finished) control.reporter.event('playlists: done');
}
