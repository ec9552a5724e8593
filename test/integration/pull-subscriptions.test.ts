import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { minimumUnits, rowWrites } from '../support/quota.js';
import { interruption, verificationUnits } from '../support/resume.js';
import { expectNoStackTrace, rows, startScenario, syncState, type Scenario } from '../support/scenario.js';
import { decodePageToken } from '../fakes/api-resources.js';

/**
 * Issue 13, acceptance 3: subscriptions (130 of them: three pages of 50, five to channels closed
 * since, which subscriptions.list counts but never returns) are mirrored exactly at the minimum
 * quota, an idle night rewrites no row, a run stopped by the quota inside the list resumes within
 * the README's bound — also when the list shifted meanwhile — and what leaves is marked removed,
 * never deleted.
 */
const LIBRARY = { seed: 31, playlists: 4, items: 120, likes: 20, subscriptions: 130 };

interface SubscriptionRow {
  channel_youtube_id: string;
  title: string | null;
  /** Raw timestamps (a string or a Date, by backend): only whether they are set matters here. */
  removed_at: unknown;
  resubscribed_at: unknown;
}

const subscriptionRows = (s: Scenario) =>
  s.ws.withDb((db) => rows<SubscriptionRow>(db, sql`SELECT channel_youtube_id, title, removed_at, resubscribed_at FROM subscriptions ORDER BY id`));

describe.each(['volatile', 'stable'] as const)(`subscriptions are mirrored like any list (${TEST_DATABASE}, etags: %s)`, (etags) => {
  let s: Scenario;
  afterEach(() => s.stop());

  it('first pull exact at the minimum; an idle night rewrites no row and costs the same; then every kind of change', async () => {
    s = await startScenario(LIBRARY, { subscriptionsEtags: etags, playlistItemsEtags: etags });
    const lib = s.emulator.library;
    const expected = lib.expectedMirror();
    expect(expected.subscriptionsPaged).toBeGreaterThan(100); // three pages
    expect(expected.subscriptions.length).toBeGreaterThanOrEqual(120);
    expect(expected.subscriptions.length).toBeLessThan(expected.subscriptionsPaged);

    const first = await runInProcess(['pull', '--json'], s.ws.env);
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(s.emulator.quota.used).toBe(minimumUnits(expected));
    expect(s.emulator.stats.byResource.subscriptions).toBe(3);
    expect(summary.counts.subscriptions).toBe(expected.subscriptions.length);
    expect(summary.changes.subscriptionsGained).toBe(expected.subscriptions.length);
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));

    const writes = await s.ws.withDb(rowWrites);
    const units = s.emulator.quota.used;
    const idle = await runInProcess(['pull', '--json'], s.ws.env);
    expect(idle.code, idle.stderr).toBe(0);
    expect(JSON.parse(idle.stdout).changes).toMatchObject({ subscriptionsGained: 0, subscriptionsLost: 0, subscriptionsChanged: 0 });
    expect(s.emulator.quota.used - units).toBe(minimumUnits(expected));
    expect(await s.ws.withDb(rowWrites)).toEqual(writes);
    console.log(
      `[subscriptions ${TEST_DATABASE}, etags ${etags}] ${expected.subscriptions.length} subscriptions over ${expected.subscriptionsPaged} places: ` +
        `first pull ${units} units, idle night ${s.emulator.quota.used - units}, minimum ${minimumUnits(expected)}`,
    );

    // Between two nights: subscribed, unsubscribed, a channel renamed, one closed.
    const live = lib.subscriptions.filter((x) => !x.gone);
    const [left, renamed, closed] = [live[3]!, live[40]!, live[90]!];
    const added = lib.subscribe({ title: 'Brand new channel 🎬' });
    lib.unsubscribe(left.channel.id);
    lib.renameChannel(renamed.channel.id, 'A channel renamed');
    lib.closeChannel(closed.channel.id);
    const after = lib.expectedMirror();
    const third = await runInProcess(['pull', '--json'], s.ws.env);
    expect(third.code, third.stderr).toBe(0);
    expect(JSON.parse(third.stdout).changes).toMatchObject({ subscriptionsGained: 1, subscriptionsLost: 2, subscriptionsChanged: 1 });
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), after));
    const stored = await subscriptionRows(s);
    // Nothing is deleted: what left keeps its row and its last known title.
    expect(stored.find((r) => r.channel_youtube_id === left.channel.id)).toMatchObject({ title: left.channel.title, removed_at: expect.anything() });
    expect(stored.find((r) => r.channel_youtube_id === closed.channel.id)?.removed_at).toEqual(expect.anything());
    expect(stored.find((r) => r.channel_youtube_id === added)?.removed_at).toBeNull();

    // Subscribing again brings the row back (same row, first_seen kept), stamped resubscribed_at.
    lib.subscribe({ ...left.channel });
    const fourth = await runInProcess(['pull', '--json'], s.ws.env);
    expect(JSON.parse(fourth.stdout).changes).toMatchObject({ subscriptionsGained: 1, subscriptionsLost: 0 });
    const back = (await subscriptionRows(s)).filter((r) => r.channel_youtube_id === left.channel.id);
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({ removed_at: null, resubscribed_at: expect.anything() });
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), lib.expectedMirror()));
  });
});

describe(`a pull stopped inside the subscriptions list (${TEST_DATABASE})`, () => {
  let s: Scenario;
  afterEach(() => s.stop());

  it.each([
    { name: 'nothing changed meanwhile', shift: false },
    { name: 'the list shifted under the stored offset (one subscribed before it, one unsubscribed before it)', shift: true },
  ])('quota after 2 of 3 pages, $name: exit 75; after the reset exact, within the README bound exactly', async ({ shift }) => {
    s = await startScenario(LIBRARY);
    const lib = s.emulator.library;
    s.emulator.quota.setLimit(4); // channels, playlists, two pages of subscriptions
    const first = await runInProcess(['pull'], s.ws.env);
    expect(first.code, first.stderr).toBe(75);
    expect(first.stderr).toMatch(/progress is saved/);
    expectNoStackTrace(first.stderr);
    const stop = await s.ws.withDb(interruption);
    expect(stop.partlyRead).toEqual([{ list: null, pages: 2 }]);
    const point = (await s.ws.withDb(syncState)).find((p) => p.pass === 'subscriptions')!;
    expect(decodePageToken(point.next_page_token!).offset).toBe(100);

    let unsubscribed: string | undefined;
    if (shift) {
      // The offset now points one place further on: read on from it, a subscription would be skipped.
      lib.subscribe({ title: '0 sorts first' });
      unsubscribed = lib.subscriptions.find((x) => !x.gone && x.channel.title.localeCompare('a', 'en-US') > 0)!.channel.id;
      lib.unsubscribe(unsubscribed);
    }
    const expected = lib.expectedMirror();
    const firstDay = s.emulator.quota.used;
    s.emulator.quota.resetDay();
    s.emulator.quota.setLimit(10_000);
    const second = await runInProcess(['pull', '--json'], s.ws.env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ outcome: 'complete', resumed: true });
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
    if (unsubscribed) expect((await subscriptionRows(s)).find((r) => r.channel_youtube_id === unsubscribed)?.removed_at).toEqual(expect.anything());
    // The pages stored before the stop are read again (page tokens are offsets), nothing else.
    const bound = minimumUnits(expected) + verificationUnits(stop, expected.playlists.length);
    console.log(`[subscriptions resume ${TEST_DATABASE}${shift ? ', shifted' : ''}] units ${firstDay} + ${s.emulator.quota.used} = minimum ${minimumUnits(expected)} + ${verificationUnits(stop, expected.playlists.length)} read again`);
    expect(firstDay + s.emulator.quota.used).toBe(bound);
  });
});

describe(`YouTube refusing the subscriptions list (${TEST_DATABASE})`, () => {
  let s: Scenario;
  afterEach(() => s.stop());

  it('is skipped with a warning; the stored subscriptions stay; the rest of the run completes (exit 0); the next pull reads it', async () => {
    s = await startScenario({ ...LIBRARY, subscriptions: 20 });
    const lib = s.emulator.library;
    expect((await runInProcess(['pull'], s.ws.env)).code).toBe(0);
    const before = await subscriptionRows(s);
    lib.unsubscribe(lib.subscriptions.find((x) => !x.gone)!.channel.id);
    lib.refuseSubscriptions = true;
    const refused = await runInProcess(['pull', '--json'], s.ws.env);
    expect(refused.code, refused.stderr).toBe(0);
    const summary = JSON.parse(refused.stdout);
    expect(summary.warnings).toEqual([expect.stringMatching(/^your subscriptions can't be read \(YouTube says subscriptionForbidden\): the 19 stored are kept/)]);
    expect(await subscriptionRows(s)).toEqual(before);
    const status = JSON.parse((await runInProcess(['status', '--json'], s.ws.env)).stdout);
    expect(status.warnings).toEqual(summary.warnings);

    lib.refuseSubscriptions = false;
    const next = await runInProcess(['pull', '--json'], s.ws.env);
    expect(JSON.parse(next.stdout)).toMatchObject({ warnings: [], changes: { subscriptionsLost: 1 } });
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), lib.expectedMirror()));
  });
});
