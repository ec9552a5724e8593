/** `items` in runs of at most `size`, in order: 50 ids per videos.list call, 50 playlists per playlists.list?id… */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
