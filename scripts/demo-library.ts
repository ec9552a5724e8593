import type { GenerateLibraryOptions } from '../test/fakes/generate-library.js';

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
