/**
 * Where removed items go in `ytsync show --all`: where they were. A removed item keeps the
 * position it had when a pull last saw it, but that position counted the items of that
 * moment, and the list has changed since (later removals, later additions, the Liked list's
 * new likes at the top). So the history is undone, newest event first: an addition is taken
 * out of the count, a removal put back at its position among the items present just before
 * it. Moves inside a list leave no trace in the mirror and are not undone.
 */
export interface PlaceableItem {
  /** Index the item had when last seen (0-based); null: unknown, placed last. */
  position: number | null;
  /** When ytsync first saw it in the list. */
  firstSeen: Date;
  /** When it left (null: still in the list). */
  removedAt: Date | null;
  /**
   * When its position was last true: the start of the pull that found it gone (the pull
   * before saw it there). Positions of items removed by one pull all count the same list.
   */
  positionSeenBefore: Date | null;
}

type Event<T> = { at: number; kind: 'added'; item: T } | { at: number; kind: 'removed'; item: T };

/** `live` in list order; returns every item, the removed ones placed among them. */
export function placeRemovedItems<T extends PlaceableItem>(live: T[], removed: T[]): T[] {
  if (removed.length === 0) return live;
  const list: T[] = [...live];
  const present = new Set<T>(live);
  const events: Array<Event<T>> = [
    ...[...live, ...removed].map((item) => ({ at: item.firstSeen.getTime(), kind: 'added' as const, item })),
    ...removed.map((item) => ({ at: (item.positionSeenBefore ?? item.removedAt ?? item.firstSeen).getTime(), kind: 'removed' as const, item })),
  ];
  // Newest first; of one pull's removals, the lowest position first (each counts the list
  // before that pull, so putting them back in order restores it).
  events.sort((a, b) => b.at - a.at || rank(a) - rank(b) || (a.item.position ?? Infinity) - (b.item.position ?? Infinity));

  for (const event of events) {
    if (event.kind === 'added') {
      present.delete(event.item);
      continue;
    }
    list.splice(insertionIndex(list, present, event.item.position), 0, event.item);
    present.add(event.item);
  }
  return list;
}

/** At one instant, undo additions before removals: an item is added before it can leave. */
const rank = (e: Event<unknown>) => (e.kind === 'added' ? 0 : 1);

/** Before the item that is `position`-th among those present; after the last present one if there are fewer. */
function insertionIndex<T>(list: T[], present: Set<T>, position: number | null): number {
  let seen = 0;
  let afterLast = 0;
  for (let i = 0; i < list.length; i++) {
    if (!present.has(list[i]!)) continue;
    if (position !== null && seen === position) return i;
    seen++;
    afterLast = i + 1;
  }
  return afterLast;
}
