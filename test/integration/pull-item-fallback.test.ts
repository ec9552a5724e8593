import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashFraction, videoThumbnails } from '../fakes/api-resources.js';
import type { Item, Library } from '../fakes/library.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { rows, startScenario, type Scenario } from '../support/scenario.js';

/**
 * Issue 9, acceptance 4 and the honest labels: what an item tells of its video is kept as the
 * video's fallback (videos.list may leave an available video out), and a video left out is
 * "unavailable", never called deleted without a placeholder saying so.
 */
describe(`what items tell of their videos is kept (${TEST_DATABASE})`, () => {
  let s: Scenario;
  let lib: Library;

  beforeEach(async () => {
    s = await startScenario({ seed: 17, playlists: 4, items: 160, likes: 20, deletedRate: 0.05, privateRate: 0.05 });
    lib = s.emulator.library;
  });
  afterEach(() => s.stop());

  /** A public video in exactly one item, which shows its owner channel (a quarter of items don't). */
  function soleVisibleItem(skip: Set<string>): Item {
    const uses = new Map<string, number>();
    for (const p of [...lib.playlists, lib.likes]) for (const it of p.items) uses.set(it.videoId, (uses.get(it.videoId) ?? 0) + 1);
    const item = lib.playlists
      .flatMap((p) => p.items)
      .find((it) => uses.get(it.videoId) === 1 && !skip.has(it.videoId) && lib.getVideo(it.videoId)!.status === 'public' && hashFraction(it.id, 'owner') >= 0.25);
    skip.add(item!.videoId);
    return item!;
  }

  const largestThumbnail = (videoId: string) => {
    const sizes = videoThumbnails(videoId) as Record<string, { url: string }>;
    return (sizes.maxres ?? sizes.standard ?? sizes.high)!.url;
  };

  const videoRow = (videoId: string) =>
    s.ws.withDb(async (db) => {
      const [row] = await rows<Record<string, unknown>>(
        db,
        sql`SELECT title, channel_id, channel_title, to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS published_at, thumbnail_url, unavailable_reason, unavailable_since IS NOT NULL AS unavailable
              FROM videos WHERE youtube_id = ${videoId}`,
      );
      return row!;
    });

  it('a video videos.list leaves out keeps the publish date, best thumbnail and channel its item gave; it is "unavailable", not "deleted"', async () => {
    const taken = new Set<string>();
    const never = soleVisibleItem(taken); // left out from the start: only its item ever describes it
    const later = soleVisibleItem(taken); // detailed on night 1, left out on night 2
    lib.hideFromVideosList(never.videoId);

    const first = await runInProcess(['pull', '--json'], s.ws.env);
    expect(first.code, first.stderr).toBe(0);
    // Placeholders seen for the first time count as unavailable in the summary too.
    const expected = lib.expectedMirror();
    expect(JSON.parse(first.stdout).changes.videosUnavailable).toBe(expected.unavailableVideoIds.length);
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
    const v = lib.getVideo(never.videoId)!;
    expect(await videoRow(never.videoId)).toEqual({
      title: v.title,
      channel_id: v.channelId,
      channel_title: v.channelTitle,
      published_at: v.publishedAt,
      thumbnail_url: largestThumbnail(never.videoId),
      unavailable_reason: 'missing',
      unavailable: true,
    });

    const detailed = await videoRow(later.videoId);
    expect(detailed).toMatchObject({ unavailable: false, thumbnail_url: largestThumbnail(later.videoId) });
    lib.hideFromVideosList(later.videoId);
    const second = await runInProcess(['pull'], s.ws.env);
    expect(second.code, second.stderr).toBe(0);
    // Nothing it was is lost; it is flagged, with the honest reason.
    expect(await videoRow(later.videoId)).toEqual({ ...detailed, unavailable_reason: 'missing', unavailable: true });

    const report = await runInProcess(['changes', '--json'], s.ws.env);
    const departed = JSON.parse(report.stdout).playlists.flatMap((p: { departed: Array<{ videoId: string; reason: string }> }) => p.departed);
    expect(departed.find((d: { videoId: string }) => d.videoId === later.videoId)).toMatchObject({ reason: 'unavailable' });
    const text = await runInProcess(['changes'], s.ws.env);
    expect(text.stdout).toContain(`unavailable (the API no longer returns it): "${lib.getVideo(later.videoId)!.title}"`);
    expect(text.stdout).not.toContain('deleted by YouTube');
  });
});
