import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { YouTubeEmulator } from '../fakes/youtube-emulator.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE, type Workspace } from '../support/database.js';
import { startScenario, type Scenario } from '../support/scenario.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { minimumUnits, rowWrites } from '../support/quota.js';

describe(`pull mirrors a library exactly (${TEST_DATABASE})`, () => {
  let emulator: YouTubeEmulator;
  let ws: Workspace;
  let scenario: Scenario;

  beforeEach(async () => {
    scenario = await startScenario({ seed: 11, playlists: 12, items: 1100, likes: 120, deletedRate: 0.04, privateRate: 0.04, duplicateRate: 0.03 });
    ({ emulator, ws } = scenario);
  });
  afterEach(() => scenario.stop());

  it('first pull: exact mirror at the minimum quota; second pull: zero changes, no row rewritten', async () => {
    const expected = emulator.library.expectedMirror();
    const totalItems = Object.values(expected.items).reduce((n, list) => n + list.length, 0);
    expect(totalItems).toBeGreaterThanOrEqual(1000);
    expect(expected.unavailableVideoIds.length).toBeGreaterThan(0);

    const first = await runInProcess(['pull', '--json'], ws.env);
    expect(first.stderr).not.toMatch(/unexpected/);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary.outcome).toBe('complete');
    expect(summary.unitsSpent).toBe(emulator.quota.used);
    expect(emulator.quota.used).toBeLessThanOrEqual(minimumUnits(expected));
    expect(summary.counts.items).toBe(totalItems);

    await ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));

    const writesBefore = await ws.withDb(rowWrites);
    const second = await runInProcess(['pull', '--json'], ws.env);
    expect(second.code).toBe(0);
    const again = JSON.parse(second.stdout);
    expect(again.changes).toMatchObject({ playlistsAdded: 0, playlistsRemoved: 0, itemsChanged: 0, itemsRemoved: 0, videosUpdated: 0, videosUnavailable: 0 });
    expect(again.unitsSpent).toBeLessThanOrEqual(summary.unitsSpent);
    const writesAfter = await ws.withDb(rowWrites);
    expect(writesAfter).toEqual(writesBefore);
    await ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
  });
});
