import { describe, expect, it } from 'vitest';
import { placeRemovedItems, type PlaceableItem } from '../../src/browse/removed-placement.js';

/** Pull n (n ≥ 1) started at minute 10n; what it saw first, it saw at minute 10n + 1. */
const pull = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 10 * n));
const seen = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 10 * n + 1));

interface Item extends PlaceableItem {
  name: string;
}
const live = (name: string, position: number, firstPull = 1): Item => ({ name, position, firstSeen: seen(firstPull), removedAt: null, positionSeenBefore: null });
/** Last seen at `position` by the pull before `removedBy`. */
const gone = (name: string, position: number | null, removedBy: number, firstPull = 1): Item => ({
  name,
  position,
  firstSeen: seen(firstPull),
  removedAt: new Date(seen(removedBy).getTime() + 5_000),
  positionSeenBefore: pull(removedBy),
});
const names = (items: Item[]) => items.map((i) => i.name).join(' ');

describe('removed items go back where they were', () => {
  it('one removal: before the item that took its place', () => {
    // a b c d → b removed
    expect(names(placeRemovedItems([live('a', 0), live('c', 1), live('d', 2)], [gone('b', 1, 2)]))).toBe('a b c d');
  });

  it('two removals by different pulls, in either order', () => {
    // a b c d: pull 2 removes b (at 1), pull 3 removes c (then at 1)
    expect(names(placeRemovedItems([live('a', 0), live('d', 1)], [gone('b', 1, 2), gone('c', 1, 3)]))).toBe('a b c d');
    // a b c d: pull 2 removes c (at 2), pull 3 removes b (at 1)
    expect(names(placeRemovedItems([live('a', 0), live('d', 1)], [gone('c', 2, 2), gone('b', 1, 3)]))).toBe('a b c d');
  });

  it('several removals by one pull all count the same list', () => {
    expect(names(placeRemovedItems([live('b', 0), live('d', 1)], [gone('e', 4, 2), gone('a', 0, 2), gone('c', 2, 2)]))).toBe('a b c d e');
  });

  it('items added after a removal do not shift it (new likes come at the top)', () => {
    // Liked list x y z; pull 2 sees y removed (was at 1); pull 3 sees two new likes on top.
    const now = [live('n1', 0, 3), live('n2', 1, 3), live('x', 2), live('z', 3)];
    expect(names(placeRemovedItems(now, [gone('y', 1, 2)]))).toBe('n1 n2 x y z');
    // The same pull adding on top and seeing the removal: the position counts the list before it.
    expect(names(placeRemovedItems([live('n1', 0, 2), live('x', 1), live('z', 2)], [gone('y', 1, 2)]))).toBe('n1 x y z');
  });

  it('an unknown or too large position goes after the last item that was there', () => {
    expect(names(placeRemovedItems([live('a', 0), live('b', 1), live('new', 2, 3)], [gone('q', null, 2), gone('r', 9, 2)]))).toBe('a b r q new');
    expect(names(placeRemovedItems([], [gone('b', 1, 2), gone('a', 0, 2)]))).toBe('a b');
  });
});
