import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestInfo } from '../fakes/youtube-emulator.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { rows, startScenario, type Scenario } from '../support/scenario.js';

/**
 * Issue 11, "state that only grows": night after night with new videos (which shift the batches
 * videos.list is asked in), the etag cache — read whole by every pull — holds what the last
 * complete run asked for, and nothing of older nights.
 */
describe(`nights with new videos (${TEST_DATABASE})`, () => {
  let s: Scenario;

  beforeEach(async () => {
    s = await startScenario({ seed: 19, playlists: 5, items: 400, likes: 40 }, { playlistItemsEtags: 'stable' });
  });
  afterEach(() => s.stop());

  it('the etag cache is exactly what the last run asked for', async () => {
    const lib = s.emulator.library;
    let night: RequestInfo[] = [];
    s.emulator.on('request', (info: RequestInfo) => night.push(info));
    const sizes: number[] = [];
    for (let n = 0; n < 5; n++) {
      for (let i = 0; i < 40; i++) {
        const playlist = lib.playlists[i % lib.playlists.length]!;
        lib.addItem(playlist.id, lib.addVideo({ title: `night ${n} upload ${i}` }), i);
      }
      night = [];
      const result = await runInProcess(['pull'], s.ws.env);
      expect(result.code, result.stderr).toBe(0);
      const asked = new Set(night.filter((r) => r.resource !== 'channels').map((r) => `${r.resource} ${JSON.stringify(r.query)}`));
      const [cache] = await s.ws.withDb((db) => rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM etag_cache`));
      expect(cache!.n, `night ${n}`).toBe(asked.size);
      sizes.push(cache!.n);
    }
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), lib.expectedMirror()));
    console.log(`[nights ${TEST_DATABASE}] etag_cache rows after each night: ${sizes.join(', ')}`);
  });
});
