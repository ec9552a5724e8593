import { generateLibrary, type GenerateLibraryOptions } from '../test/fakes/generate-library.js';
import type { Library } from '../test/fakes/library.js';

/** The library `npm run demo` mirrors: a few playlists, deleted and private entries, a Liked list. */
export const DEMO_LIBRARY: GenerateLibraryOptions = {
  seed: 2024,
  playlists: 5,
  items: 240,
  likes: 40,
  deletedRate: 0.04,
  privateRate: 0.04,
  duplicateRate: 0.02,
};

/** Videos the demo's story is about, with titles a person would remember (the rest are word salad). */
const STORY = {
  deleted: { title: 'Midnight City — synthwave cover (live at the Blue Note)', channelTitle: 'Neon Tapes' },
  hidden: { title: 'Café Tacvba — Eres (acoustic session)', channelTitle: 'Café Música 🎶' },
  renamed: { title: 'How PostgreSQL stores your data', channelTitle: 'Fireship', renamedTo: 'PostgreSQL internals in 12 minutes' },
  removed: { title: 'Lo-fi beats to study to — 3 hours', channelTitle: 'Lofi Girl' },
} as const;

export type DemoStory = Record<keyof typeof STORY, { videoId: string; playlistId: string; playlistTitle: string }>;

/** The demo library: generated, with the story's four videos in its smallest list that has room (short enough to `show`). */
export function demoLibrary(): { library: Library; story: DemoStory } {
  const library = generateLibrary(DEMO_LIBRARY);
  const lists = [...library.playlists, library.likes];
  // Videos in no other list: each part of the story then shows up once.
  const soleIn = (list: (typeof lists)[number]) =>
    list.items.filter((it) => library.getVideo(it.videoId)!.status === 'public' && lists.every((p) => p === list || !p.items.some((o) => o.videoId === it.videoId)));
  const list = [...library.playlists].sort((a, b) => a.items.length - b.items.length).find((p) => soleIn(p).length >= 4)!;
  const candidates = soleIn(list);
  const story = {} as DemoStory;
  (Object.keys(STORY) as Array<keyof typeof STORY>).forEach((key, i) => {
    const item = candidates[i]!;
    library.updateVideo(item.videoId, { title: STORY[key].title, channelTitle: STORY[key].channelTitle });
    story[key] = { videoId: item.videoId, playlistId: list.id, playlistTitle: list.title };
  });
  return { library, story };
}

/** What happens between the demo's two pulls: YouTube, an uploader and you change things. */
export function aMonthLater(library: Library, story: DemoStory): void {
  library.deleteVideo(story.deleted.videoId);
  library.makePrivate(story.hidden.videoId);
  library.renameVideo(story.renamed.videoId, STORY.renamed.renamedTo);
  const list = library.getPlaylist(story.removed.playlistId)!;
  library.removeItem(list.id, list.items.find((it) => it.videoId === story.removed.videoId)!.id);
}
