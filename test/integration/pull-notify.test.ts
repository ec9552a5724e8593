import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Library } from '../fakes/library.js';
import { runInProcess, type CliResult } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { NotifyServer } from '../support/notify-server.js';
import { rows, startScenario, type Scenario } from '../support/scenario.js';

/**
 * Issue 13, acceptance 2: the report reaches a URL — an ntfy-style topic (a short text with a
 * Title) or a JSON webhook (the `changes --json` document). A receiver that fails never changes
 * the pull's exit code, and the report it missed is sent the next night. Secrets in the URL
 * (user:password@, query tokens, the topic itself) are sent, never printed.
 */
const LIBRARY = { seed: 17, playlists: 4, items: 150, likes: 20, deletedRate: 0, privateRate: 0, subscriptions: 30 };

/** A video in exactly one playlist, deleted; a subscription dropped: one departure of each kind. */
function loseOneOfEach(lib: Library): { video: { id: string; title: string }; channel: { id: string; title: string } } {
  const count = new Map<string, number>();
  for (const p of [...lib.playlists, lib.likes]) for (const it of p.items) count.set(it.videoId, (count.get(it.videoId) ?? 0) + 1);
  const videoId = lib.playlists.flatMap((p) => p.items).find((it) => count.get(it.videoId) === 1)!.videoId;
  lib.deleteVideo(videoId);
  const sub = lib.subscriptions.find((x) => !x.gone)!;
  lib.unsubscribe(sub.channel.id);
  return { video: { id: videoId, title: lib.getVideo(videoId)!.title }, channel: { id: sub.channel.id, title: sub.channel.title } };
}

function expectNoSecret(results: CliResult[], secrets: string[]): void {
  for (const r of results) for (const secret of secrets) expect(r.stdout + r.stderr).not.toContain(secret);
}

describe(`pull --notify / YTSYNC_NOTIFY_URL (${TEST_DATABASE})`, () => {
  let s: Scenario;
  let receiver: NotifyServer;
  afterEach(async () => {
    await receiver.stop();
    await s.stop();
  });

  it('ntfy: nothing on a night nothing left; then one message with a Title naming the deleted video and the lost subscription', async () => {
    s = await startScenario(LIBRARY);
    receiver = await NotifyServer.start();
    const url = `ntfy+http://alice:s3cret-pass@127.0.0.1:${receiver.port}/ytsync-topic-x9?auth=tk_querytoken`;
    const env = { ...s.ws.env, YTSYNC_NOTIFY_URL: url };

    const night1 = await runInProcess(['pull'], env);
    expect(night1.code, night1.stderr).toBe(0);
    expect(receiver.received).toEqual([]);

    const lost = loseOneOfEach(s.emulator.library);
    const night2 = await runInProcess(['pull', '--json'], env);
    expect(night2.code, night2.stderr).toBe(0);
    expect(JSON.parse(night2.stdout).notification).toEqual({
      destination: `ntfy topic at http://127.0.0.1:${receiver.port}/…`,
      outcome: 'sent',
      runs: [2],
    });
    expect(receiver.received).toHaveLength(1);
    const [message] = receiver.received;
    expect(message).toMatchObject({ method: 'POST', url: '/ytsync-topic-x9?auth=tk_querytoken' });
    expect(message!.headers).toMatchObject({
      title: 'ytsync: 1 video left your playlists, 1 subscription lost',
      authorization: `Basic ${Buffer.from('alice:s3cret-pass').toString('base64')}`,
      'content-type': 'text/plain; charset=utf-8',
    });
    expect(message!.body).toContain(`✗ "${lost.video.title}" — `);
    expect(message!.body).toContain(': deleted by YouTube or the uploader (in "');
    expect(message!.body).toContain(`✗ subscription "${lost.channel.title}": unsubscribed or the channel is gone`);
    expect(Buffer.byteLength(message!.body)).toBeLessThan(4096);
    expectNoSecret([night1, night2], ['s3cret-pass', 'tk_querytoken', 'ytsync-topic-x9', 'alice']);

    // The same report is not sent twice.
    expect((await runInProcess(['pull'], env)).code).toBe(0);
    expect(receiver.received).toHaveLength(1);
  });

  it('JSON webhook: a 500 leaves the exit code as it was (one warning, no secret); the next night sends the report, the changes --json document', async () => {
    s = await startScenario(LIBRARY);
    receiver = await NotifyServer.start();
    const env = { ...s.ws.env, YTSYNC_NOTIFY_URL: `http://127.0.0.1:${receiver.port}/hooks/T0KEN-0f9a` };
    expect((await runInProcess(['pull'], env)).code).toBe(0);
    expect(receiver.received).toEqual([]);

    const lost = loseOneOfEach(s.emulator.library);
    receiver.status = 500;
    const down = await runInProcess(['pull', '--quiet'], env);
    expect(down.code).toBe(0);
    expect(receiver.received).toHaveLength(1);
    expect(down.stderr).toBe(
      `ytsync: warning: could not send the report to the webhook at http://127.0.0.1:${receiver.port}/… (HTTP 500 Internal Server Error); it is kept and sent with the next report.\n`,
    );
    // Kept in the database, with the report it could not deliver.
    const kept = await s.ws.withDb((db) => rows<{ outcome: string; document: { window: { runs: Array<{ id: number }> } } }>(db, sql`SELECT outcome, document FROM report_deliveries ORDER BY id`));
    expect(kept.map((k) => k.outcome)).toEqual(['nothing', 'failed']);
    expect(kept[1]!.document.window.runs.map((r) => r.id)).toEqual([2]);
    const status = JSON.parse((await runInProcess(['status', '--json'], env)).stdout);
    expect(status.warnings).toContainEqual(expect.stringMatching(/^the report of pull #2 could not be sent to the webhook at .*… \(HTTP 500 Internal Server Error\)/));

    receiver.status = 200;
    const next = await runInProcess(['pull'], env); // nothing new left tonight
    expect(next.code, next.stderr).toBe(0);
    expect(receiver.received).toHaveLength(2);
    const [, delivered] = receiver.received;
    expect(delivered!.headers['content-type']).toBe('application/json');
    const doc = JSON.parse(delivered!.body);
    expect(doc.window.runs.map((r: { id: number }) => r.id)).toEqual([2, 3]);
    const departed = doc.playlists.flatMap((p: { departed: unknown[] }) => p.departed);
    expect(departed).toEqual([
      expect.objectContaining({ videoId: lost.video.id, reason: 'deleted', recovery: { wayback: expect.stringContaining(lost.video.id), filmot: `https://filmot.com/video/${lost.video.id}` } }),
    ]);
    expect(doc.subscriptionsLost).toEqual([expect.objectContaining({ channelId: lost.channel.id, reason: 'unsubscribed-or-gone' })]);
    // It is the `changes --json` document of the same two pulls.
    const changes = JSON.parse((await runInProcess(['changes', '--json', '--runs', '2'], env)).stdout);
    const same = (d: { window: object }) => ({ ...d, window: { ...d.window, to: null, basis: null } });
    expect(same(doc)).toEqual(same(changes));
    expectNoSecret([down, next], ['T0KEN-0f9a', '/hooks']);

    // Delivered: no warning any more, nothing sent again.
    expect(JSON.parse((await runInProcess(['status', '--json'], env)).stdout).warnings).toEqual([]);
    expect((await runInProcess(['pull'], env)).code).toBe(0);
    expect(receiver.received).toHaveLength(2);
    // What is covered goes: the table keeps the latest attempt, not one row per night.
    const left = await s.ws.withDb((db) => rows<{ outcome: string }>(db, sql`SELECT outcome FROM report_deliveries ORDER BY id`));
    expect(left.map((r) => r.outcome)).toEqual(['nothing']);
  });

  it('a URL it cannot use is a configuration error (exit 2), named without its secrets', async () => {
    s = await startScenario({ ...LIBRARY, subscriptions: 3 });
    receiver = await NotifyServer.start();
    const bad = await runInProcess(['pull'], { ...s.ws.env, YTSYNC_NOTIFY_URL: 'ftp://bob:hunter2@example.com/x' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ytsync: Invalid configuration: YTSYNC_NOTIFY_URL must be an http\(s\) URL/);
    const noTopic = await runInProcess(['pull', '--notify', 'ntfy+https://:tk_secret@ntfy.example.com/'], s.ws.env);
    expect(noTopic.code).toBe(2);
    expect(noTopic.stderr).toMatch(/--notify names no ntfy topic/);
    expectNoSecret([bad, noTopic], ['hunter2', 'tk_secret']);
  });
});
