/**
 * What the next `pull` will cost, in quota units: a pure function of what the database knows
 * (SPEC.md "Quota": a full sync is ceil(P/50) + Σ ceil(items/50) + ceil(V/50) + ceil(S/50) + 1).
 * A 304 costs a unit like any answer, so an unchanged library costs what the last run did.
 */
export const PAGE_SIZE = 50;

export interface ResumeProgress {
  pass: string;
  done: boolean;
  itemsFetched: number;
  /** pageInfo.totalResults seen by the pass (videos pass: the number of videos to detail). */
  totalResults: number | null;
  /** items pass: the playlist's itemCount when the pass started. */
  itemCount: number | null;
  nextPageToken: string | null;
}

export interface EstimateInputs {
  /** Units of the latest complete run, or null if none completed. */
  lastCompleteRunUnits: number | null;
  /** Live playlists of kind 'playlist' (the Liked list is not returned by playlists.list). */
  playlists: number;
  /** item_count of every live list, the Liked list included (null: not known yet). */
  listSizes: Array<number | null>;
  /** Distinct videos referenced by live items, as far as the mirror knows. */
  knownVideos: number;
  /** Live subscriptions in the mirror. */
  subscriptions: number;
  /** The unfinished run, if any: whether it knows its channel, and its resume points. */
  unfinished: { channelKnown: boolean; resumePoints: ResumeProgress[] } | null;
}

export type EstimateBasis = 'resume-points' | 'previous-run' | 'item-counts';

export interface CostEstimate {
  units: number;
  basis: EstimateBasis;
}

const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE_SIZE));

/** SPEC.md's bound for a full sync; an empty list (of playlists, items or subscriptions) still costs its one call. */
export function fullSyncUnits(playlists: number, listSizes: number[], videos: number, subscriptions: number): number {
  return pages(playlists) + pages(subscriptions) + listSizes.reduce((sum, n) => sum + pages(n), 0) + Math.ceil(videos / PAGE_SIZE) + 1;
}

/** null when nothing is known yet (a first run: the cost shows once the playlists are listed). */
export function estimatePullCost(inputs: EstimateInputs): CostEstimate | null {
  if (inputs.unfinished) return { units: remainingUnits(inputs, inputs.unfinished), basis: 'resume-points' };
  if (inputs.lastCompleteRunUnits !== null) return { units: inputs.lastCompleteRunUnits, basis: 'previous-run' };
  if (inputs.listSizes.length === 0) return null;
  const sizes = inputs.listSizes.map((n) => n ?? 0);
  const videos = Math.max(inputs.knownVideos, 0) || sizes.reduce((a, b) => a + b, 0);
  return { units: fullSyncUnits(inputs.playlists, sizes, videos, inputs.subscriptions), basis: 'item-counts' };
}

/** What is left of an unfinished run, pass by pass, from its resume points. */
function remainingUnits(inputs: EstimateInputs, run: NonNullable<EstimateInputs['unfinished']>): number {
  const of = (pass: string) => run.resumePoints.filter((p) => p.pass === pass);
  let units = run.channelKnown ? 0 : 1;

  const [playlistsPoint] = of('playlists');
  if (!playlistsPoint?.done) {
    const left = Math.max(0, inputs.playlists - (playlistsPoint?.itemsFetched ?? 0));
    units += pages(left);
  }

  // Not done: read from its start (a list partly read by an earlier invocation is read again).
  const [subscriptionsPoint] = of('subscriptions');
  if (!subscriptionsPoint?.done) units += pages(Math.max(0, subscriptionsPoint?.totalResults ?? inputs.subscriptions));

  const items = of('items');
  let unreadItems = 0;
  if (items.length === 0) {
    // Not planned yet: every live list is read in full.
    const sizes = inputs.listSizes.map((n) => n ?? 0);
    units += sizes.reduce((sum, n) => sum + pages(n), 0);
    unreadItems = sizes.reduce((a, b) => a + b, 0);
  } else {
    const pending = items.filter((p) => !p.done);
    // With lists left to read, the next invocation reads the list of playlists again first; a
    // list partly read by an earlier invocation is read again from its start (page tokens are
    // offsets: that is how the pages it had read are verified).
    if (pending.length > 0 && playlistsPoint?.done) units += pages(inputs.playlists);
    for (const p of pending) {
      const size = Math.max(0, p.totalResults ?? p.itemCount ?? 0);
      units += pages(size);
      unreadItems += size;
    }
  }

  const [videosPoint] = of('videos');
  if (!videosPoint?.done) {
    const total = videosPoint?.totalResults ?? null;
    // Before the videos pass knows its total, every unread item may bring a new video.
    const left = total !== null ? Math.max(0, total - videosPoint!.itemsFetched) : inputs.knownVideos + unreadItems;
    units += Math.ceil(left / PAGE_SIZE);
  }
  return units;
}
