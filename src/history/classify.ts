/**
 * Why an item left a playlist, by the evidence the mirror holds. Pure: the facts come from
 * src/history/changes-query.ts, the answer goes into the report.
 */
export type DepartureReason = 'moved' | 'removed' | 'deleted' | 'private' | 'unavailable';

export interface DepartureFacts {
  /** When a complete pass stopped seeing the item; null while the item is still listed. */
  removedAt: Date | null;
  /** End of the sync run that saw the removal (null: the run is unfinished, or unknown). */
  removalRunEnd: Date | null;
  /** Another of your playlists got an item of the same video in the same run. */
  movedTo: { playlistId: string; title: string | null } | null;
  /** videos.unavailable_reason: 'deleted' | 'private' | 'missing' | null. */
  unavailableReason: string | null;
  unavailableSince: Date | null;
}

/**
 * Order of evidence: a move explains a removal best (the video is demonstrably still watchable
 * and you put it elsewhere); then unavailability seen by the same run (YouTube drops or hides
 * videos that turned private or were deleted); only a video that was still available when its
 * item disappeared was removed by you.
 */
export function classifyDeparture(facts: DepartureFacts): DepartureReason {
  if (facts.removedAt !== null && facts.movedTo !== null) return 'moved';
  if (facts.unavailableSince !== null && unavailableWhenItLeft(facts)) return unavailability(facts.unavailableReason);
  return facts.removedAt !== null ? 'removed' : 'unavailable';
}

function unavailableWhenItLeft(facts: DepartureFacts): boolean {
  if (facts.removedAt === null) return true;
  // A video that turned unavailable in a later run was still there when you removed it.
  const runEnd = facts.removalRunEnd ?? facts.removedAt;
  return facts.unavailableSince! <= runEnd;
}

/**
 * Only a placeholder item ("Deleted video", "Private video") says why a video went. 'missing' —
 * videos.list no longer returns the id — is no proof of deletion: it leaves out private videos
 * too (and recordings show it leaving out others). Guesses are not shown as facts.
 */
export function unavailability(reason: string | null): Extract<DepartureReason, 'deleted' | 'private' | 'unavailable'> {
  switch (reason) {
    case 'deleted':
      return 'deleted';
    case 'private':
      return 'private';
    default:
      return 'unavailable';
  }
}

export const DEPARTURE_LABELS: Record<DepartureReason, string> = {
  removed: 'removed by you',
  moved: 'moved',
  deleted: 'deleted by YouTube or the uploader',
  private: 'made private',
  unavailable: 'unavailable (the API no longer returns it)',
};
