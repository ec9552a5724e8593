import type { Db } from '../db/connection.js';
import { arrivals, departures, playlistChanges, renames, type PlaylistRef } from './changes-query.js';
import { buildChangesReport, type ChangesReport } from './changes-report.js';
import { subscriptionChanges } from './subscription-changes.js';
import type { ChangeWindow } from './window.js';

/**
 * Everything a report of changes holds for a window (`ytsync changes`, and the report a pull
 * sends). Run it in one read-only transaction: a pull writing meanwhile cannot make the parts
 * disagree. `only`: one playlist's changes; subscriptions belong to no playlist and are left out.
 */
export async function gatherChanges(tx: Db, window: ChangeWindow, only: PlaylistRef[] | null = null): Promise<ChangesReport> {
  const bounds = { from: window.from, to: window.to };
  return buildChangesReport(window, {
    departures: await departures(tx, bounds, only),
    arrivals: await arrivals(tx, bounds, only),
    playlists: await playlistChanges(tx, bounds, only),
    renames: await renames(tx, bounds, only),
    subscriptions: only === null ? await subscriptionChanges(tx, bounds) : [],
  });
}
