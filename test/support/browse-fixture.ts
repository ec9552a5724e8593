import { generateLibrary } from '../fakes/generate-library.js';
import type { Library } from '../fakes/library.js';

/**
 * A small library with known titles, for asserting exact search results: each entry names a
 * video by a short key. Items are added in the order listed, a minute apart, so "most
 * recently added" is the later one in the list.
 */
export const SEARCH_FIXTURE = {
  cafeTitle: { title: 'Café del Mar — sunset mix', channelTitle: 'Chill FM' },
  cafeChannel: { title: 'Piano lesson for beginners', channelTitle: 'Cafe Music Academy' },
  cafeDescription: { title: 'Relaxing jazz', channelTitle: 'Jazz Radio', description: 'Recorded live at a café in Paris.' },
  decaf: { title: 'Decaf coffee explained', channelTitle: 'Bean Lab' },
  synthNight: { title: 'Synthwave night drive', channelTitle: 'Retro Lab' },
  synthRemix: { title: 'Night drive: the synthwave remix', channelTitle: 'Retro Lab' },
  driveAtNight: { title: 'Drive at night', channelTitle: 'Dashcam Daily' },
  synthCaps: { title: 'SYNTHWAVE ESSENTIALS', channelTitle: 'Neon Tapes' },
  synthesis: { title: 'Speech synthesis in the browser', channelTitle: 'Web Dev' },
  japanese: { title: '日本語タイトルのテスト', channelTitle: 'ジブリ公式' },
  tokyo: { title: '東京の夜景', channelTitle: 'Tokyo Walks' },
  german: { title: 'Die Straße der Ölsardinen', channelTitle: 'Kino Klassiker' },
} as const;

export type FixtureKey = keyof typeof SEARCH_FIXTURE;

export function searchFixtureLibrary(): { library: Library; videoIds: Record<FixtureKey, string>; playlistId: string } {
  const library = generateLibrary({ seed: 12, playlists: 0, likes: 0 });
  const playlistId = library.addPlaylist({ title: 'Everything', privacyStatus: 'private' });
  const videoIds = {} as Record<FixtureKey, string>;
  for (const [key, video] of Object.entries(SEARCH_FIXTURE) as Array<[FixtureKey, (typeof SEARCH_FIXTURE)[FixtureKey]]>) {
    videoIds[key] = library.addVideo({
      title: video.title,
      channelTitle: video.channelTitle,
      channelId: `UC${video.channelTitle.replace(/\W/gu, '').padEnd(22, 'x').slice(0, 22)}`,
      description: 'description' in video ? video.description : '',
    });
    library.addItem(playlistId, videoIds[key]);
  }
  return { library, videoIds, playlistId };
}
