import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/connection.js';
import { generateLibrary } from '../fakes/generate-library.js';
import type { Library } from '../fakes/library.js';
import { YouTubeEmulator } from '../fakes/youtube-emulator.js';
import { runInProcess, spawnCli } from '../support/cli.js';
import { createWorkspace, TEST_DATABASE, type Workspace } from '../support/database.js';
import { expectNoStackTrace, rows } from '../support/scenario.js';

// Issue 12, acceptance 3 and 4: `show --all` puts removed items where they were, `playlists`
// adds up, the JSON documents are the README's, and only a terminal gets escape codes.

async function pull(ws: Workspace) {
  const result = await runInProcess(['pull', '--json'], ws.env);
  expect(result.code, result.stderr).toBe(0);
}

async function json(ws: Workspace, ...args: string[]) {
  const result = await runInProcess([...args, '--json'], ws.env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** The ```json examples of the README's "Browse offline" section: search, playlists, show. */
async function documentedExamples(): Promise<Record<'search' | 'playlists' | 'show', unknown>> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Browse offline'), readme.indexOf('\n## ', readme.indexOf('\n## Browse offline') + 1));
  const blocks = [...section.matchAll(/```json\n([\s\S]*?)```/gu)].map((m) => JSON.parse(m[1]!));
  expect(blocks).toHaveLength(3);
  return { search: blocks[0], playlists: blocks[1], show: blocks[2] };
}

/** The same field names all the way down (an array by its first element; null stands for anything). */
function expectSameFields(actual: unknown, documented: unknown, where = '$'): void {
  if (actual === null || documented === null) return;
  if (Array.isArray(documented)) {
    expect(Array.isArray(actual), where).toBe(true);
    if (documented.length > 0 && (actual as unknown[]).length > 0) expectSameFields((actual as unknown[])[0], documented[0], `${where}[0]`);
    return;
  }
  if (typeof documented === 'object') {
    expect(typeof actual, where).toBe('object');
    expect(Object.keys(actual as object).sort(), where).toEqual(Object.keys(documented as object).sort());
    for (const key of Object.keys(documented as object)) {
      expectSameFields((actual as Record<string, unknown>)[key], (documented as Record<string, unknown>)[key], `${where}.${key}`);
    }
  }
}

describe(`playlists and show (${TEST_DATABASE})`, () => {
  let emulator: YouTubeEmulator;
  let ws: Workspace;
  let lib: Library;
  let list: { id: string; title: string };
  /** The list as it ever was: every item id in the place it had (removed ones stay put). */
  let history: string[];
  let removed: string[];

  beforeAll(async () => {
    emulator = await YouTubeEmulator.start({
      library: generateLibrary({ seed: 33, playlists: 4, items: 120, likes: 12, deletedRate: 0.08, privateRate: 0.05, duplicateRate: 0.03 }),
    });
    lib = emulator.library;
    ws = await createWorkspace(emulator);
    await ws.seedCredentials(emulator);
    const biggest = [...lib.playlists].sort((a, b) => b.items.length - a.items.length)[0]!;
    list = { id: biggest.id, title: biggest.title };
    history = biggest.items.map((it) => it.id);
    await pull(ws); // run 1

    // Run 2: two items leave (at 2 and 5), one arrives at the end; a video is deleted; a list goes.
    removed = [biggest.items[2]!.id, biggest.items[5]!.id];
    for (const id of removed) lib.removeItem(list.id, id);
    history.push(lib.addItem(list.id, lib.addVideo({ title: 'Arrived in run 2' })));
    lib.deleteVideo(biggest.items[0]!.videoId);
    lib.deletePlaylist([...lib.playlists].sort((a, b) => a.items.length - b.items.length).find((p) => p.items.length > 0)!.id);
    await pull(ws);

    // Run 3: the item now at 3 leaves; one arrives at the top.
    const third = biggest.items[3]!.id;
    lib.removeItem(list.id, third);
    removed.push(third);
    history.unshift(lib.addItem(list.id, lib.addVideo({ title: 'Arrived in run 3, on top' }), 0));
    await pull(ws);
  });
  afterAll(async () => {
    await emulator?.stop();
    await ws?.cleanup();
  });

  it('show lists the items in order; --all puts the removed ones where they were', async () => {
    const live = await json(ws, 'show', list.title);
    expect(live.items.map((i: { itemId: string }) => i.itemId)).toEqual(lib.getPlaylist(list.id)!.items.map((it) => it.id));
    expect(live.playlist).toMatchObject({ playlistId: list.id, items: live.items.length, removedItems: 3, includesRemoved: false });

    const all = await json(ws, 'show', list.id, '--all');
    expect(all.items.map((i: { itemId: string }) => i.itemId)).toEqual(history);
    expect(all.items.filter((i: { removedAt: string | null }) => i.removedAt !== null).map((i: { itemId: string }) => i.itemId).sort()).toEqual([...removed].sort());

    const text = await runInProcess(['show', list.id, '--all'], ws.env);
    const lines = text.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
    expect(lines.map((f) => f[0])).toEqual(all.items.map((i: { position: number; removedAt: string | null }) => (i.removedAt ? '–' : String(i.position + 1))));
    expect(lines.filter((f) => f[5]!.startsWith('removed ')).length).toBe(3);
    expect(lines[1]![5]).toMatch(/^deleted \d{4}-\d\d-\d\d$/); // the deleted video, right after the new top item
    expect(lines.every((f) => f[6]!.startsWith('https://www.youtube.com/watch?v='))).toBe(true);

    const liked = await json(ws, 'show', 'Liked videos');
    expect(liked.playlist.kind).toBe('likes');
    const bad = await runInProcess(['show', 'nope'], ws.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('ytsync: no playlist has the id or title "nope" in this mirror.\n');
    expectNoStackTrace(bad.stderr);
  });

  it('playlists: per list and in total, what SQL counts', async () => {
    const report = await json(ws, 'playlists');
    const counted = await ws.withDb((db) =>
      rows<{ playlist_id: string; items: number; duration: string; unavailable: number; removed: number; gone: boolean }>(
        db,
        sql`SELECT p.youtube_id AS playlist_id, p.removed_at IS NOT NULL AS gone,
                   (SELECT count(*)::int FROM playlist_videos pv WHERE pv.playlist_id = p.id AND pv.removed_at IS NULL) AS items,
                   (SELECT coalesce(sum(v.duration_seconds), 0)::text FROM playlist_videos pv JOIN videos v ON v.id = pv.video_id
                     WHERE pv.playlist_id = p.id AND pv.removed_at IS NULL AND v.unavailable_since IS NULL) AS duration,
                   (SELECT count(*)::int FROM playlist_videos pv JOIN videos v ON v.id = pv.video_id
                     WHERE pv.playlist_id = p.id AND pv.removed_at IS NULL AND v.unavailable_since IS NOT NULL) AS unavailable,
                   (SELECT count(*)::int FROM playlist_videos pv WHERE pv.playlist_id = p.id AND pv.removed_at IS NOT NULL) AS removed
              FROM playlists p`,
      ),
    );
    const listed = [...report.playlists, ...report.removedPlaylists];
    expect(listed.map((p: { playlistId: string }) => p.playlistId).sort()).toEqual(counted.map((c) => c.playlist_id).sort());
    for (const c of counted) {
      expect(listed.find((p: { playlistId: string }) => p.playlistId === c.playlist_id), c.playlist_id).toMatchObject({
        items: c.items,
        durationSeconds: Number(c.duration),
        unavailableItems: c.unavailable,
        removedItems: c.removed,
        removedAt: c.gone ? expect.any(String) : null,
      });
    }
    const live = counted.filter((c) => !c.gone);
    expect(report.totals).toEqual({
      playlists: live.length,
      items: live.reduce((n, c) => n + c.items, 0),
      durationSeconds: live.reduce((n, c) => n + Number(c.duration), 0),
      unavailableItems: live.reduce((n, c) => n + c.unavailable, 0),
      removedItems: live.reduce((n, c) => n + c.removed, 0),
    });
    expect(report.removedPlaylists).toHaveLength(1);
    expect(report.totals.playlists).toBe((await json(ws, 'status')).counts.playlists);
    expect(report.totals.items).toBe((await json(ws, 'status')).counts.items);
    expect(report.playlists.at(-1).kind).toBe('likes');
    const [last] = await ws.withDb((db) => rows<{ ms: string }>(db, sql`SELECT floor(extract(epoch FROM max(removed_at)) * 1000)::text AS ms FROM playlist_videos`));
    expect(report.playlists.find((p: { playlistId: string }) => p.playlistId === list.id).lastChangeAt).toBe(new Date(Number(last!.ms)).toISOString());
  });

  it('the JSON documents have the fields the README documents', async () => {
    const documented = await documentedExamples();
    const video = lib.getVideo(lib.getPlaylist(list.id)!.items[1]!.videoId)!;
    const search = await json(ws, 'search', video.title.split(' ')[0]!);
    expect(search.hits.length).toBeGreaterThan(0);
    expectSameFields(search, documented.search);
    expectSameFields(await json(ws, 'playlists'), documented.playlists);
    expectSameFields(await json(ws, 'show', list.id, '--all'), documented.show);
  });

  it('answers while a pull holds the database', async () => {
    const held = await openDatabase(loadConfig(ws.env), { pullLock: true, command: 'pull' });
    try {
      expect((await json(ws, 'playlists')).totals.items).toBeGreaterThan(0);
      expect((await json(ws, 'show', list.id)).items.length).toBeGreaterThan(0);
      expect((await runInProcess(['search', 'video'], ws.env)).code).toBe(0);
    } finally {
      await held.close();
    }
  });

  it('a reader that goes away (`| head`) ends show quietly, exit 0', async () => {
    // A list long enough to fill the pipe: 6,000 items of one video, added by SQL.
    await ws.withDb((db) =>
      db.execute(sql`
        WITH list AS (INSERT INTO playlists (youtube_id, title) VALUES ('PLlong', 'Long list') RETURNING id)
        INSERT INTO playlist_videos (youtube_id, playlist_id, video_id, position)
        SELECT 'long' || g, (SELECT id FROM list), (SELECT min(id) FROM videos), g FROM generate_series(0, 5999) g`),
    );
    const { child, done } = spawnCli(['show', 'PLlong'], ws.env);
    child.stdout!.once('data', () => child.stdout!.destroy());
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('escape codes only on a terminal (and not with NO_COLOR); tables fit the terminal', async () => {
    const word = lib.getVideo(lib.getPlaylist(list.id)!.items[1]!.videoId)!.title.split(' ')[0]!;
    for (const argv of [['search', word], ['playlists'], ['show', list.id, '--all']]) {
      const piped = await runInProcess(argv, ws.env);
      expect(piped.code).toBe(0);
      expect(piped.stdout + piped.stderr, argv.join(' ')).not.toMatch(/\u001b/u);
      expect(piped.stdout.split('\n').filter(Boolean).every((l) => l.includes('\t')), argv.join(' ')).toBe(true);

      const tty = await runInProcess(argv, { ...ws.env, COLUMNS: '90' }, { tty: true });
      const plain = tty.stdout.replace(/\u001b\[(1|22)m/gu, '');
      for (const line of plain.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(90);
      expect(plain).not.toMatch(/\t|\u001b/u);
      if (argv[0] === 'search') expect(tty.stdout).toMatch(/\u001b\[1m[^\u001b]+\u001b\[22m/u);
      else expect(tty.stdout).not.toMatch(/\u001b/u);

      const noColor = await runInProcess(argv, { ...ws.env, COLUMNS: '90', NO_COLOR: '1' }, { tty: true });
      expect(noColor.stdout).not.toMatch(/\u001b/u);
      expect(noColor.stdout).toBe(plain);
    }
  });
});
