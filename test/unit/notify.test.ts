import { describe, expect, it } from 'vitest';
import type { ChangesReport, DepartedItem } from '../../src/history/changes-report.js';
import { parseNotifyUrl, type NotifyDestination } from '../../src/notify/destination.js';
import { messageFor, ntfyBody } from '../../src/notify/messages.js';

const destination = (raw: string) => parseNotifyUrl(raw) as NotifyDestination;

describe('notification URL: the format is picked by the URL, secrets are sent but never shown', () => {
  it.each([
    ['https://ntfy.sh/my-topic', 'ntfy', 'https://ntfy.sh/my-topic', 'ntfy topic at https://ntfy.sh/…'],
    ['ntfy+https://ntfy.example.com/alerts', 'ntfy', 'https://ntfy.example.com/alerts', 'ntfy topic at https://ntfy.example.com/…'],
    ['ntfy+http://10.0.0.2:8080/alerts', 'ntfy', 'http://10.0.0.2:8080/alerts', 'ntfy topic at http://10.0.0.2:8080/…'],
    ['json+https://ntfy.sh/raw', 'json', 'https://ntfy.sh/raw', 'webhook at https://ntfy.sh/…'],
    ['https://hooks.example.com/services/T0/B0/XYZ?token=abc', 'json', 'https://hooks.example.com/services/T0/B0/XYZ?token=abc', 'webhook at https://hooks.example.com/…'],
    ['http://127.0.0.1:9000/', 'json', 'http://127.0.0.1:9000/', 'webhook at http://127.0.0.1:9000/'],
  ])('%s → %s', (raw, format, url, display) => {
    expect(parseNotifyUrl(raw)).toEqual({ format, url, display });
  });

  it('user:password@ becomes Basic auth, :token@ a Bearer token; neither stays in the URL or the display', () => {
    const basic = destination('https://al%40ice:p%3Ass@ntfy.sh/t');
    expect(basic).toMatchObject({ url: 'https://ntfy.sh/t', authorization: `Basic ${Buffer.from('al@ice:p:ss').toString('base64')}` });
    const bearer = destination('ntfy+https://:tk_abc123@ntfy.example.com/t');
    expect(bearer).toMatchObject({ url: 'https://ntfy.example.com/t', authorization: 'Bearer tk_abc123' });
    expect(JSON.stringify([basic.display, bearer.display])).not.toMatch(/al|p:ss|tk_abc/);
  });

  it('refuses what it cannot use, without repeating the URL', () => {
    for (const [raw, problem] of [
      ['not a url', /is not a URL/],
      ['ftp://u:secret@example.com/x', /must be an http\(s\) URL/],
      ['https://ntfy.sh/', /names no ntfy topic/],
      ['ntfy+https://:secret@ntfy.example.com', /names no ntfy topic/],
    ] as const) {
      const parsed = parseNotifyUrl(raw) as { problem: string };
      expect(parsed.problem).toMatch(problem);
      expect(parsed.problem).not.toContain('secret');
    }
  });
});

describe('ntfy message', () => {
  const item = (i: number, reason: DepartedItem['reason']): DepartedItem => ({
    itemId: `i${i}`, videoId: `v${i}`, title: `Video ${i} ${'x'.repeat(300)}`, channelTitle: 'Chan', channelId: null, addedAt: null,
    reason, at: '2026-01-01T00:00:00.000Z', movedTo: null,
    recovery: reason === 'removed' ? null : { wayback: 'w', filmot: 'f' },
  });
  const report = (departed: DepartedItem[]): ChangesReport => ({
    window: { from: null, to: '2026-01-01T00:00:00.000Z', basis: 'report', runs: [{ id: 1, startedAt: '', finishedAt: '' }] },
    playlists: [{ playlistId: 'PL1', title: 'Mix', kind: 'playlist', added: [], departed }],
    playlistsCreated: [], playlistsRemoved: [], renamed: [], subscriptionsGained: [], subscriptionsLost: [],
    totals: {
      added: 0, departed: { removed: departed.filter((d) => d.reason === 'removed').length, moved: 0, deleted: departed.filter((d) => d.reason === 'deleted').length, private: 0, unavailable: 0 },
      playlistsCreated: 0, playlistsRemoved: 0, renamed: 0, subscriptionsGained: 0, subscriptionsLost: 0,
    },
  });

  it('stays short (ntfy makes an attachment of more than 4 KiB): lost videos first, then how many more', () => {
    const many = report([item(0, 'removed'), ...Array.from({ length: 40 }, (_, i) => item(i + 1, 'deleted'))]);
    const body = ntfyBody(many);
    expect(Buffer.byteLength(body)).toBeLessThan(4096);
    expect(body.split('\n')[0]).toMatch(/^✗ "Video 1 /);
    expect(body).toMatch(/^… and \d+ more\.$/m);
    expect(body).not.toContain('"Video 0 '); // the video you removed yourself comes last, cut here
    const { headers } = messageFor('ntfy', many);
    expect(headers).toEqual({ Title: 'ytsync: 41 videos left your playlists', Tags: 'warning' });
    expect(headers!.Title).toMatch(/^[\x20-\x7e]+$/); // HTTP header values: ASCII
  });
});
