import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLibrary } from '../fakes/generate-library.js';
import type { Library } from '../fakes/library.js';
import { YouTubeEmulator } from '../fakes/youtube-emulator.js';
import { runInProcess } from '../support/cli.js';
import { createWorkspace, TEST_DATABASE, type Workspace } from '../support/database.js';

/** An item whose video is in no other list (and only once in this one): its changes show up once. */
function soleItem(lib: Library, playlistId: string, taken: Set<string>) {
  const count = new Map<string, number>();
  for (const p of [...lib.playlists, lib.likes]) for (const it of p.items) count.set(it.videoId, (count.get(it.videoId) ?? 0) + 1);
  const item = lib.getPlaylist(playlistId)!.items.find((it) => count.get(it.videoId) === 1 && !taken.has(it.videoId) && lib.getVideo(it.videoId)!.status === 'public');
  if (!item) throw new Error(`no sole item in ${playlistId}`);
  taken.add(item.videoId);
  return { itemId: item.id, videoId: item.videoId, title: lib.getVideo(item.videoId)!.title, channelTitle: lib.getVideo(item.videoId)!.channelTitle };
}

async function pull(ws: Workspace) {
  const result = await runInProcess(['pull', '--json'], ws.env);
  expect(result.stderr).not.toMatch(/unexpected/);
  expect(result.code).toBe(0);
}

async function changes(ws: Workspace, ...args: string[]) {
  const result = await runInProcess(['changes', ...args], ws.env);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return args.includes('--json') ? JSON.parse(result.stdout) : result.stdout;
}

describe(`changes: what left each playlist and why (${TEST_DATABASE})`, () => {
  let emulator: YouTubeEmulator;
  let ws: Workspace;
  const taken = new Set<string>();
  let lib: Library;
  let a: { id: string; title: string };
  let b: { id: string; title: string };
  let gone: { id: string; title: string };
  let removed: ReturnType<typeof soleItem>;
  let moved: ReturnType<typeof soleItem>;
  let deleted: ReturnType<typeof soleItem>;
  let hidden: ReturnType<typeof soleItem>;
  let renamed: ReturnType<typeof soleItem>;
  let added: { itemId: string; videoId: string; title: string };
  let fresh: { id: string; itemId: string };
  let unsubscribed: { channelId: string; title: string; subscribedAt: string };
  let closed: { channelId: string; title: string };
  let subscribed: string;

  beforeAll(async () => {
    emulator = await YouTubeEmulator.start({
      library: generateLibrary({ seed: 5, playlists: 5, items: 160, likes: 8, deletedRate: 0, privateRate: 0, duplicateRate: 0 }),
    });
    lib = emulator.library;
    ws = await createWorkspace(emulator);
    await ws.seedCredentials(emulator);
    const [big, second, third] = [...lib.playlists].sort((x, y) => y.items.length - x.items.length);
    a = { id: big!.id, title: big!.title };
    b = { id: second!.id, title: second!.title };
    gone = { id: third!.id, title: third!.title };
    await pull(ws); // run 1: the first mirror

    // Between run 1 and run 2, every kind of change.
    removed = soleItem(lib, a.id, taken);
    lib.removeItem(a.id, removed.itemId);
    moved = soleItem(lib, a.id, taken);
    lib.removeItem(a.id, moved.itemId);
    lib.addItem(b.id, moved.videoId);
    deleted = soleItem(lib, a.id, taken);
    lib.deleteVideo(deleted.videoId);
    hidden = soleItem(lib, b.id, taken);
    lib.makePrivate(hidden.videoId);
    renamed = soleItem(lib, b.id, taken);
    lib.renameVideo(renamed.videoId, 'Renamed: the final cut ✂️');
    const newVideo = lib.addVideo({ title: 'Brand new "upload", with commas', channelTitle: 'Café Música 🎶' });
    added = { itemId: lib.addItem(a.id, newVideo), videoId: newVideo, title: 'Brand new "upload", with commas' };
    const freshId = lib.addPlaylist({ title: 'Fresh finds' });
    fresh = { id: freshId, itemId: lib.addItem(freshId, newVideo) };
    // The third playlist's videos must not count as departures: the playlist is reported instead.
    lib.deletePlaylist(gone.id);
    const [s1, s2] = lib.subscriptions.filter((s) => !s.gone);
    unsubscribed = { channelId: s1!.channel.id, title: s1!.channel.title, subscribedAt: s1!.subscribedAt };
    lib.unsubscribe(s1!.channel.id);
    closed = { channelId: s2!.channel.id, title: s2!.channel.title };
    lib.closeChannel(s2!.channel.id);
    subscribed = lib.subscribe({ title: 'Zeitgeist Weekly' });
    await pull(ws); // run 2
  });
  afterAll(async () => {
    await emulator.stop();
    await ws.cleanup();
  });

  it('classifies every departure by its evidence, with the last known title and channel', async () => {
    const report = await changes(ws, '--json');
    expect(report.window.runs.map((r: { id: number }) => r.id)).toEqual([2]);
    expect(report.window.from).not.toBeNull();

    const byPlaylist = new Map(report.playlists.map((p: { playlistId: string }) => [p.playlistId, p]));
    expect([...byPlaylist.keys()].sort()).toEqual([a.id, b.id, fresh.id].sort());
    const pick = (p: { departed: unknown[]; added: unknown[] }) => ({
      departed: (p.departed as Array<Record<string, unknown>>).map((d) => ({ reason: d.reason, videoId: d.videoId, title: d.title, channelTitle: d.channelTitle, movedTo: d.movedTo })),
      added: (p.added as Array<Record<string, unknown>>).map((d) => ({ videoId: d.videoId, title: d.title, movedFrom: d.movedFrom })),
    });
    const inA = pick(byPlaylist.get(a.id) as never);
    expect(inA.departed.sort((x, y) => String(x.reason).localeCompare(String(y.reason)))).toEqual([
      { reason: 'deleted', videoId: deleted.videoId, title: deleted.title, channelTitle: deleted.channelTitle, movedTo: null },
      { reason: 'moved', videoId: moved.videoId, title: moved.title, channelTitle: moved.channelTitle, movedTo: { playlistId: b.id, title: b.title } },
      { reason: 'removed', videoId: removed.videoId, title: removed.title, channelTitle: removed.channelTitle, movedTo: null },
    ]);
    expect(inA.added).toEqual([{ videoId: added.videoId, title: added.title, movedFrom: null }]);

    const inB = pick(byPlaylist.get(b.id) as never);
    expect(inB.departed).toEqual([{ reason: 'private', videoId: hidden.videoId, title: hidden.title, channelTitle: hidden.channelTitle, movedTo: null }]);
    // A move is one event seen from both ends, never "removed" here plus a plain "added" there.
    expect(inB.added).toEqual([{ videoId: moved.videoId, title: moved.title, movedFrom: { playlistId: a.id, title: a.title } }]);

    expect(report.playlistsCreated).toEqual([expect.objectContaining({ playlistId: fresh.id, title: 'Fresh finds', items: 1 })]);
    expect(report.playlistsRemoved).toEqual([expect.objectContaining({ playlistId: gone.id, title: gone.title })]);
    expect(report.playlistsRemoved[0].items).toBeGreaterThan(0);
    expect(report.renamed).toEqual([
      expect.objectContaining({ videoId: renamed.videoId, oldTitle: renamed.title, newTitle: 'Renamed: the final cut ✂️', channelTitle: renamed.channelTitle }),
    ]);
    expect(report.subscriptionsGained).toEqual([{ channelId: subscribed, title: 'Zeitgeist Weekly', subscribedAt: expect.any(String), firstSeen: expect.any(String) }]);
    // "Unsubscribed or the channel is gone": the API says no more, and neither does ytsync.
    expect(report.subscriptionsLost).toEqual(
      [
        { channelId: unsubscribed.channelId, title: unsubscribed.title, subscribedAt: unsubscribed.subscribedAt.replace('Z', '.000Z'), removedAt: expect.any(String), reason: 'unsubscribed-or-gone' },
        { channelId: closed.channelId, title: closed.title, subscribedAt: expect.any(String), removedAt: expect.any(String), reason: 'unsubscribed-or-gone' },
      ].sort((x, y) => x.title.toLocaleLowerCase('en-US').localeCompare(y.title.toLocaleLowerCase('en-US'), 'en-US')),
    );
    expect(report.totals).toEqual({
      added: 3,
      departed: { removed: 1, moved: 1, deleted: 1, private: 1, unavailable: 0 },
      playlistsCreated: 1,
      playlistsRemoved: 1,
      renamed: 1,
      subscriptionsGained: 1,
      subscriptionsLost: 2,
    });
    // A video out of reach carries where to look for it; one still watchable does not.
    const departed = report.playlists.flatMap((p: { departed: Array<{ videoId: string; reason: string; recovery: unknown }> }) => p.departed);
    for (const d of departed) {
      expect(d.recovery, d.reason).toEqual(
        d.reason === 'deleted' || d.reason === 'private'
          ? { wayback: `https://web.archive.org/web/*/https://www.youtube.com/watch?v=${d.videoId}`, filmot: `https://filmot.com/video/${d.videoId}` }
          : null,
      );
    }
    // "Deleted video" / "Private video" are YouTube's placeholders, never an answer.
    expect(JSON.stringify(report)).not.toMatch(/"(Deleted|Private) video"/);
  });

  it('windows: the last pull by default, --runs N, --since, --playlist; text output', async () => {
    const more = lib.addVideo({ title: 'Later addition' });
    lib.addItem(b.id, more);
    await pull(ws); // run 3

    const last = await changes(ws, '--json');
    expect(last.window.runs.map((r: { id: number }) => r.id)).toEqual([3]);
    expect(last.totals).toMatchObject({ added: 1, playlistsCreated: 0, playlistsRemoved: 0, renamed: 0 });
    expect(last.playlists.map((p: { playlistId: string }) => p.playlistId)).toEqual([b.id]);

    const two = await changes(ws, '--json', '--runs', '2');
    expect(two.totals).toMatchObject({ added: 4, departed: { removed: 1, moved: 1, deleted: 1, private: 1, unavailable: 0 }, renamed: 1 });
    const since = await changes(ws, '--json', '--since', two.window.from);
    expect(since.totals).toEqual(two.totals);

    const onlyA = await changes(ws, '--json', '--runs', '2', '--playlist', a.title);
    expect(onlyA.playlists.map((p: { playlistId: string }) => p.playlistId)).toEqual([a.id]);
    expect(onlyA.totals.departed).toEqual({ removed: 1, moved: 1, deleted: 1, private: 0, unavailable: 0 });
    // Subscriptions belong to no playlist.
    expect(onlyA.subscriptionsLost).toEqual([]);

    const text = await changes(ws, '--runs', '2');
    expect(text).toContain(`→ moved to "${b.title}": "${moved.title}"`);
    expect(text).toContain(
      `✗ deleted by YouTube or the uploader: "${deleted.title}" — ${deleted.channelTitle} [${deleted.videoId}]\n` +
        `      look for it: https://web.archive.org/web/*/https://www.youtube.com/watch?v=${deleted.videoId}  https://filmot.com/video/${deleted.videoId}\n`,
    );
    expect(text).toContain(`Subscriptions lost:\n`);
    expect(text).toContain(`  ✗ unsubscribed or the channel is gone: "${unsubscribed.title}" (${unsubscribed.channelId}), subscribed since ${unsubscribed.subscribedAt.slice(0, 10)}\n`);
    expect(text).toContain(`Subscriptions gained:\n  + "Zeitgeist Weekly" (${subscribed})\n`);
    expect(text).toMatch(/1 subscription gained, 2 lost \(unsubscribed or the channel is gone\)\.$/m);
    expect(text).toContain(`"${renamed.title}" → "Renamed: the final cut ✂️"`);

    const bad = await runInProcess(['changes', '--playlist', 'no such playlist'], ws.env);
    expect(bad.code).toBe(2);
    expect((await runInProcess(['changes', '--since', 'yesterday-ish'], ws.env)).code).toBe(2);
    expect((await runInProcess(['changes', '--since', '2025-01-01', '--runs', '2'], ws.env)).code).toBe(2);
  });
});
