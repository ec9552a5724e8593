import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLibrary } from '../fakes/generate-library.js';
import type { Library } from '../fakes/library.js';
import { YouTubeEmulator } from '../fakes/youtube-emulator.js';
import { searchFixtureLibrary, type FixtureKey } from '../support/browse-fixture.js';
import { runInProcess } from '../support/cli.js';
import { createWorkspace, TEST_DATABASE, type Workspace } from '../support/database.js';
import { rowWrites } from '../support/quota.js';
import { expectNoStackTrace } from '../support/scenario.js';

// Issue 12, acceptance 1 and 2: search finds what YouTube forgot, and finds what a person types.

async function pull(ws: Workspace) {
  const result = await runInProcess(['pull', '--json'], ws.env);
  expect(result.code, result.stderr).toBe(0);
}

async function search(ws: Workspace, ...args: string[]) {
  const result = await runInProcess(['search', '--json', ...args], ws.env);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toBe(''); // both backends have the extensions: no notice
  return JSON.parse(result.stdout);
}

/** Videos only in this one list, once, still public: their fate shows nowhere else. */
function soleVideos(lib: Library, playlistId: string, n: number): string[] {
  const count = new Map<string, number>();
  for (const p of [...lib.playlists, lib.likes]) for (const it of p.items) count.set(it.videoId, (count.get(it.videoId) ?? 0) + 1);
  const ids = lib.getPlaylist(playlistId)!.items.map((it) => it.videoId).filter((id) => count.get(id) === 1);
  if (ids.length < n) throw new Error(`only ${ids.length} sole videos in ${playlistId}`);
  return ids.slice(0, n);
}

describe(`search: what YouTube forgot (${TEST_DATABASE})`, () => {
  let emulator: YouTubeEmulator;
  let ws: Workspace;
  let lib: Library;
  let listA: { id: string; title: string };
  const v = { deleted: '', hidden: '', renamed: '', removed: '' };
  let deletedChannel = '';

  beforeAll(async () => {
    emulator = await YouTubeEmulator.start({
      library: generateLibrary({ seed: 21, playlists: 3, items: 90, likes: 6, deletedRate: 0, privateRate: 0, duplicateRate: 0 }),
    });
    lib = emulator.library;
    ws = await createWorkspace(emulator);
    await ws.seedCredentials(emulator);
    const a = [...lib.playlists].sort((x, y) => y.items.length - x.items.length)[0]!;
    listA = { id: a.id, title: a.title };
    [v.deleted, v.hidden, v.renamed, v.removed] = soleVideos(lib, a.id, 4) as [string, string, string, string];
    const titles = { deleted: 'Zanzibar sunset livestream', hidden: 'Okapi field notes', renamed: 'Quokka documentary', removed: 'Narwhal tusk explained' };
    for (const key of Object.keys(v) as Array<keyof typeof v>) lib.updateVideo(v[key], { title: titles[key], description: 'Zoology notes.' });
    deletedChannel = lib.getVideo(v.deleted)!.channelTitle;
    await pull(ws); // run 1: the videos as they were

    lib.deleteVideo(v.deleted);
    lib.makePrivate(v.hidden);
    lib.renameVideo(v.renamed, 'Marsupial film night');
    lib.removeItem(a.id, a.items.find((it) => it.videoId === v.removed)!.id);
    await pull(ws); // run 2: YouTube forgot them
  });
  afterAll(async () => {
    await emulator?.stop();
    await ws?.cleanup();
  });

  it('finds a deleted video by its last known title, labelled deleted, with its last known channel', async () => {
    const report = await search(ws, 'zanzibar');
    expect(report.hits).toEqual([
      expect.objectContaining({
        videoId: v.deleted,
        url: `https://www.youtube.com/watch?v=${v.deleted}`,
        title: 'Zanzibar sunset livestream',
        channelTitle: deletedChannel,
        availability: 'deleted',
        unavailableSince: expect.any(String),
        matchedIn: 'title',
      }),
    ]);
    const text = await runInProcess(['search', 'Zanzibar', 'sunset'], ws.env);
    expect(text.code).toBe(0);
    const [line] = text.stdout.trimEnd().split('\n');
    expect(line!.split('\t')).toEqual([
      'Zanzibar sunset livestream',
      deletedChannel,
      expect.any(String),
      expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
      expect.stringMatching(/^deleted \d{4}-\d\d-\d\d$/),
      `in ${listA.title}`,
      `https://www.youtube.com/watch?v=${v.deleted}`,
    ]);
    expect(text.stdout).not.toMatch(/Deleted video/);
  });

  it('finds a renamed video by its old title and by its new one', async () => {
    const byOld = await search(ws, 'quokka');
    const byNew = await search(ws, 'marsupial', 'film');
    for (const report of [byOld, byNew]) {
      expect(report.hits).toEqual([expect.objectContaining({ videoId: v.renamed, title: 'Marsupial film night', formerTitles: ['Quokka documentary'], matchedIn: 'title' })]);
    }
    const text = await runInProcess(['search', 'quokka'], { ...ws.env, COLUMNS: '100' }, { tty: true });
    expect(text.stdout).toContain('formerly "\u001b[1mQuokka\u001b[22m documentary"');
  });

  it('private and removed videos too; --unavailable, --removed, --playlist and --channel narrow it down', async () => {
    const all = await search(ws, 'zoology');
    expect(all.hits.map((h: { videoId: string }) => h.videoId).sort()).toEqual(Object.values(v).sort());
    expect(all.hits.every((h: { matchedIn: string }) => h.matchedIn === 'description')).toBe(true);
    const byId = new Map(all.hits.map((h: { videoId: string }) => [h.videoId, h]));
    expect(byId.get(v.hidden)).toMatchObject({ availability: 'private', title: 'Okapi field notes' });
    expect(byId.get(v.removed)).toMatchObject({
      availability: 'available',
      playlists: [{ playlistId: listA.id, title: listA.title, kind: 'playlist', addedAt: expect.any(String), removedAt: expect.any(String), playlistRemovedAt: null }],
    });

    const ids = async (...args: string[]) => (await search(ws, 'zoology', ...args)).hits.map((h: { videoId: string }) => h.videoId).sort();
    expect(await ids('--unavailable')).toEqual([v.deleted, v.hidden].sort());
    expect(await ids('--removed')).toEqual([v.removed]);
    expect(await ids('--playlist', listA.title)).toEqual(Object.values(v).sort());
    expect(await ids('--playlist', listA.id, '--removed')).toEqual([v.removed]);
    expect(await ids('--channel', deletedChannel.split(' ')[0]!.toLowerCase())).toContain(v.deleted);

    const text = await runInProcess(['search', 'narwhal'], ws.env);
    expect(text.stdout.split('\t')).toContain(`removed from ${listA.title}`);

    const unknown = await runInProcess(['search', 'zoology', '--playlist', 'no such list'], ws.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^ytsync: no playlist has the id or title "no such list"/);
    expectNoStackTrace(unknown.stderr);
  });

  it('an unchanged pull rewrites no row, with the search index in place', async () => {
    const before = await ws.withDb(rowWrites);
    await pull(ws);
    expect(await ws.withDb(rowWrites)).toEqual(before);
  });
});

describe(`search: what a person types finds what it should, and nothing else (${TEST_DATABASE})`, () => {
  let emulator: YouTubeEmulator;
  let ws: Workspace;
  let videoIds: Record<FixtureKey, string>;

  beforeAll(async () => {
    const fixture = searchFixtureLibrary();
    videoIds = fixture.videoIds;
    emulator = await YouTubeEmulator.start({ library: fixture.library });
    ws = await createWorkspace(emulator);
    await ws.seedCredentials(emulator);
    await pull(ws);
  });
  afterAll(async () => {
    await emulator?.stop();
    await ws?.cleanup();
  });

  const hits = async (...query: string[]): Promise<string[]> => {
    const report = await search(ws, ...query);
    const key = new Map(Object.entries(videoIds).map(([k, id]) => [id, k]));
    return report.hits.map((h: { videoId: string }) => key.get(h.videoId));
  };

  it('accents and case: cafe finds Café, and CAFÉ finds cafe; titles first, then channels, then descriptions', async () => {
    expect(await hits('cafe')).toEqual(['cafeTitle', 'cafeChannel', 'cafeDescription']);
    expect(await hits('CAFÉ')).toEqual(['cafeTitle', 'cafeChannel', 'cafeDescription']);
    expect(await hits('strasse')).toEqual(['german']);
    expect(await hits('olsardinen')).toEqual(['german']);
  });

  it('a prefix finds the words it begins, newest addition first; not words it is inside of', async () => {
    expect(await hits('synthw')).toEqual(['synthCaps', 'synthRemix', 'synthNight']);
    expect(await hits('synth')).toEqual(['synthesis', 'synthCaps', 'synthRemix', 'synthNight']);
    expect(await hits('caf')).toEqual(['cafeTitle', 'cafeChannel', 'cafeDescription']);
  });

  it('words in any order; a quoted phrase only in its order; -word leaves out', async () => {
    expect(await hits('drive', 'night')).toEqual(['driveAtNight', 'synthRemix', 'synthNight']);
    expect(await hits('"night drive"')).toEqual(['synthRemix', 'synthNight']);
    expect(await hits('synthwave', '-remix')).toEqual(['synthCaps', 'synthNight']);
    expect(await hits('"night drive"', '-"the synthwave"')).toEqual(['synthNight']);
  });

  it('Japanese and Chinese titles by any part of them', async () => {
    expect(await hits('タイトル')).toEqual(['japanese']);
    expect(await hits('日本')).toEqual(['japanese']);
    expect(await hits('夜景')).toEqual(['tokyo']);
    expect(await hits('の')).toEqual(['tokyo', 'japanese']);
    expect(await hits('本語タイ')).toEqual(['japanese']);
    expect(await hits('ジブリ')).toEqual(['japanese']); // its channel
    expect(await hits('タイトス')).toEqual([]);
  });

  it('a misspelt word finds close titles, said to be close; exclusions still hold', async () => {
    const close = await search(ws, 'synthwaev');
    expect(close.closeMatches).toBe(true);
    expect(close.hits.map((h: { matchedIn: string }) => h.matchedIn)).toEqual(['close', 'close', 'close']);
    const text = await runInProcess(['search', 'synthwaev', '-remix'], ws.env);
    expect(text.stderr).toMatch(/^nothing matches synthwaev -remix exactly; 2 close matches\.$/m);
  });

  it('says when there is nothing to look for (exit 2), and when nothing matched (exit 0)', async () => {
    for (const query of [['-remix'], ['"', '-'], ['synthwave', '--limt', '5']]) {
      const result = await runInProcess(['search', ...query], ws.env);
      expect(result.code, query.join(' ')).toBe(2);
      expectNoStackTrace(result.stderr);
    }
    const none = await runInProcess(['search', 'xylophone'], ws.env);
    expect(none).toMatchObject({ code: 0, stdout: '' });
    expect(none.stderr).toBe('no video in the mirror matches xylophone.\n');
  });
});
