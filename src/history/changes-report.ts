import { classifyDeparture, type DepartureReason } from './classify.js';
import type { ArrivalRow, DepartureRow, PlaylistChangeRow, RenameRow } from './changes-query.js';
import { recoveryLinks, type RecoveryLinks } from './recovery.js';
import type { SubscriptionChangeRow } from './subscription-changes.js';
import type { ChangeWindow } from './window.js';

/** What ytsync can say of a subscription that disappeared: the API does not tell which. */
export const SUBSCRIPTION_LOST = 'unsubscribed-or-gone';

/** The document `ytsync changes --json` prints; the text output is rendered from it. */
export interface ChangesReport {
  window: {
    from: string | null;
    to: string;
    basis: ChangeWindow['basis'];
    runs: Array<{ id: number; startedAt: string; finishedAt: string | null }>;
  };
  playlists: PlaylistReport[];
  playlistsCreated: Array<{ playlistId: string; title: string | null; kind: string; firstSeen: string; items: number }>;
  playlistsRemoved: Array<{ playlistId: string; title: string | null; kind: string; removedAt: string; items: number }>;
  renamed: Array<{ videoId: string; oldTitle: string; newTitle: string; channelTitle: string | null; channelId: string | null; seenAt: string }>;
  subscriptionsGained: Array<{ channelId: string; title: string | null; subscribedAt: string | null; firstSeen: string | null }>;
  subscriptionsLost: Array<{ channelId: string; title: string | null; subscribedAt: string | null; removedAt: string; reason: typeof SUBSCRIPTION_LOST }>;
  totals: {
    added: number;
    departed: Record<DepartureReason, number>;
    playlistsCreated: number;
    playlistsRemoved: number;
    renamed: number;
    subscriptionsGained: number;
    subscriptionsLost: number;
  };
}

export interface PlaylistReport {
  playlistId: string;
  title: string | null;
  kind: string;
  added: AddedItem[];
  departed: DepartedItem[];
}

/** Every line names the video by its last known title and channel, never by YouTube's placeholder. */
interface VideoLine {
  itemId: string;
  videoId: string;
  title: string | null;
  channelTitle: string | null;
  channelId: string | null;
  addedAt: string | null;
}

export interface AddedItem extends VideoLine {
  firstSeen: string;
  /** Set when the same run saw the video leave another of your playlists. */
  movedFrom: { playlistId: string; title: string | null } | null;
}

export interface DepartedItem extends VideoLine {
  reason: DepartureReason;
  /** When ytsync saw it go: the item's removal, or the video's unavailability. */
  at: string;
  movedTo: { playlistId: string; title: string | null } | null;
  /** For a video that can no longer be watched (deleted, private, unavailable): where to look for it. */
  recovery: RecoveryLinks | null;
}

/** Reasons after which the video itself is out of reach (not merely out of this playlist). */
const LOST_VIDEO: ReadonlySet<DepartureReason> = new Set(['deleted', 'private', 'unavailable']);

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function buildChangesReport(
  window: ChangeWindow,
  facts: { departures: DepartureRow[]; arrivals: ArrivalRow[]; playlists: PlaylistChangeRow[]; renames: RenameRow[]; subscriptions: SubscriptionChangeRow[] },
): ChangesReport {
  const sections = new Map<string, PlaylistReport>();
  const section = (r: { playlistId: string; playlistTitle: string | null; playlistKind: string }) => {
    let s = sections.get(r.playlistId);
    if (!s) {
      s = { playlistId: r.playlistId, title: r.playlistTitle, kind: r.playlistKind, added: [], departed: [] };
      sections.set(r.playlistId, s);
    }
    return s;
  };
  const departed: Record<DepartureReason, number> = { removed: 0, moved: 0, deleted: 0, private: 0, unavailable: 0 };

  for (const r of facts.arrivals) {
    section(r).added.push({
      ...line(r),
      firstSeen: r.firstSeen.toISOString(),
      movedFrom: r.movedFrom,
    });
  }
  for (const r of facts.departures) {
    const reason = classifyDeparture(r);
    departed[reason]++;
    section(r).departed.push({
      ...line(r),
      reason,
      at: (r.removedAt ?? r.unavailableSince)!.toISOString(),
      movedTo: reason === 'moved' ? r.movedTo : null,
      recovery: LOST_VIDEO.has(reason) ? recoveryLinks(r.videoId) : null,
    });
  }

  const created = facts.playlists.filter((p) => p.created);
  const removed = facts.playlists.filter((p) => p.removed);
  const gained = facts.subscriptions.filter((s) => s.gained);
  const lost = facts.subscriptions.filter((s) => s.lost);
  return {
    window: {
      from: iso(window.from),
      to: window.to.toISOString(),
      basis: window.basis,
      runs: window.runs.map((r) => ({ id: r.id, startedAt: r.startedAt.toISOString(), finishedAt: iso(r.finishedAt) })),
    },
    playlists: [...sections.values()],
    playlistsCreated: created.map((p) => ({
      playlistId: p.playlistId,
      title: p.title,
      kind: p.kind,
      firstSeen: p.firstSeen.toISOString(),
      items: p.liveItems,
    })),
    playlistsRemoved: removed.map((p) => ({
      playlistId: p.playlistId,
      title: p.title,
      kind: p.kind,
      removedAt: p.removedAt!.toISOString(),
      items: p.itemsRemovedWithIt,
    })),
    renamed: facts.renames.map((r) => ({ ...r, seenAt: r.seenAt.toISOString() })),
    subscriptionsGained: gained.map((s) => ({ channelId: s.channelId, title: s.title, subscribedAt: iso(s.subscribedAt), firstSeen: iso(s.seenAt) })),
    subscriptionsLost: lost.map((s) => ({
      channelId: s.channelId,
      title: s.title,
      subscribedAt: iso(s.subscribedAt),
      removedAt: s.removedAt!.toISOString(),
      reason: SUBSCRIPTION_LOST,
    })),
    totals: {
      added: facts.arrivals.length,
      departed,
      playlistsCreated: created.length,
      playlistsRemoved: removed.length,
      renamed: facts.renames.length,
      subscriptionsGained: gained.length,
      subscriptionsLost: lost.length,
    },
  };
}

function line(r: { itemId: string; videoId: string; title: string | null; channelTitle: string | null; channelId: string | null; addedAt: Date | null }): VideoLine {
  return { itemId: r.itemId, videoId: r.videoId, title: r.title, channelTitle: r.channelTitle, channelId: r.channelId, addedAt: iso(r.addedAt) };
}

/**
 * Whether the report tells of something that LEFT: an item (whatever the reason), a playlist, a
 * subscription. What the nightly report is sent for; arrivals and renames only ride along.
 */
export function hasDepartures(report: ChangesReport): boolean {
  const left = Object.values(report.totals.departed).reduce((a, b) => a + b, 0);
  return left + report.totals.playlistsRemoved + report.totals.subscriptionsLost > 0;
}
