import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { Library } from '../fakes/library.js';
import { runChild, runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { startScenario, type Scenario } from '../support/scenario.js';

/**
 * Issue 13, acceptance 1: `pull --report` for cron's MAILTO. Nights are cron-like runs of the
 * built program (a child process, no TTY, started from another directory): a night on which
 * nothing left prints nothing at all — cron then sends no mail — and a night on which something
 * left prints the report, naming each departure with its reason.
 */
const LIBRARY = { seed: 13, playlists: 4, items: 150, likes: 20, deletedRate: 0, privateRate: 0, subscriptions: 30 };

/** A public video in exactly one playlist (and nowhere else), so its departure shows once. */
function soleVideo(lib: Library): { videoId: string; title: string; channelTitle: string; playlistTitle: string } {
  const count = new Map<string, number>();
  for (const p of [...lib.playlists, lib.likes]) for (const it of p.items) count.set(it.videoId, (count.get(it.videoId) ?? 0) + 1);
  for (const p of lib.playlists) {
    const item = p.items.find((it) => count.get(it.videoId) === 1);
    if (item) {
      const v = lib.getVideo(item.videoId)!;
      return { videoId: v.id, title: v.title, channelTitle: v.channelTitle, playlistTitle: p.title };
    }
  }
  throw new Error('no video in exactly one playlist');
}

describe(`pull --report: cron mails exactly the nights something left (${TEST_DATABASE})`, () => {
  let s: Scenario;
  afterEach(() => s.stop());
  const cron = (args: string[] = []) => runChild(['pull', '--report', ...args], s.ws.env, os.tmpdir());

  it('night 1 (first mirror) and night 2 (only additions): nothing at all; night 3 (a deleted video, an unsubscribe): the report', async () => {
    s = await startScenario(LIBRARY);
    const lib = s.emulator.library;

    const night1 = await cron();
    expect(night1).toEqual({ code: 0, stdout: '', stderr: '' });

    // Arrivals are no reason to mail: a new item, a new subscription.
    lib.addItem(lib.playlists[0]!.id, lib.addVideo({ title: 'A new upload' }));
    lib.subscribe({ title: 'A new channel' });
    const night2 = await cron();
    expect(night2).toEqual({ code: 0, stdout: '', stderr: '' });

    const gone = soleVideo(lib);
    lib.deleteVideo(gone.videoId);
    const left = lib.subscriptions.find((x) => !x.gone && x.channel.title !== 'A new channel')!;
    lib.unsubscribe(left.channel.id);
    const night3 = await cron();
    expect(night3.code, night3.stderr).toBe(0);
    expect(night3.stderr).toBe('');
    const report = night3.stdout;
    expect(report).toMatch(/^What ytsync pull #3 saw leave or change \(since .+\):\n/);
    expect(report).toContain(`"${gone.playlistTitle}"`);
    expect(report).toContain(`✗ deleted by YouTube or the uploader: "${gone.title}" — ${gone.channelTitle} [${gone.videoId}]\n`);
    expect(report).toContain(`look for it: https://web.archive.org/web/*/https://www.youtube.com/watch?v=${gone.videoId}  https://filmot.com/video/${gone.videoId}\n`);
    expect(report).toContain(`Subscriptions lost:\n  ✗ unsubscribed or the channel is gone: "${left.channel.title}" (${left.channel.id})`);
    expect(report).toMatch(/1 deleted by YouTube or the uploader.*1 lost \(unsubscribed or the channel is gone\)\.\n$/);
    // Plain text for a mail: no escape sequences, no spinner frames.
    expect(report).not.toMatch(/\x1b\[|\r/);
  });

  it('a night stopped on quota prints nothing (exit 75: it continues tomorrow); a night that needs you prints the error', async () => {
    s = await startScenario(LIBRARY);
    s.emulator.quota.setLimit(3);
    expect(await cron()).toEqual({ code: 75, stdout: '', stderr: '' });

    const loggedOut = await runChild(['pull', '--report'], { ...s.ws.env, YTSYNC_HOME: `${s.ws.home}/nobody` }, os.tmpdir());
    expect(loggedOut.code).toBe(3);
    expect(loggedOut.stdout).toBe('');
    expect(loggedOut.stderr).toMatch(/^ytsync: .*ytsync login/);

    const both = await runInProcess(['pull', '--report', '--json'], s.ws.env);
    expect(both.code).toBe(2);
  });
});
