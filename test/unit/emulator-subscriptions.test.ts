import { afterEach, describe, expect, it } from 'vitest';
import { generateLibrary, type Library } from '../fakes/library.js';
import { YouTubeEmulator } from '../fakes/youtube-emulator.js';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let emu: YouTubeEmulator;

async function start(options: { subscriptions?: number; subscriptionsEtags?: 'stable' | 'volatile' } = {}): Promise<Library> {
  const lib = generateLibrary({ seed: 9, playlists: 2, items: 20, likes: 5, subscriptions: options.subscriptions ?? 120 });
  emu = await YouTubeEmulator.start({ library: lib, ...(options.subscriptionsEtags ? { subscriptionsEtags: options.subscriptionsEtags } : {}) });
  return lib;
}

async function api(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Body; etag?: string }> {
  const res = await fetch(`${emu.url}youtube/v3/${path}`, { headers: { authorization: `Bearer ${emu.issueAccessToken()}`, ...headers } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Body) : {} };
}

async function pageAll(path: string): Promise<{ items: Body[]; pages: Body[] }> {
  const pages: Body[] = [];
  let token: string | undefined;
  do {
    const { status, body } = await api(`${path}&maxResults=50${token ? `&pageToken=${token}` : ''}`);
    expect(status).toBe(200);
    pages.push(body);
    token = body.nextPageToken as string | undefined;
  } while (token);
  return { items: pages.flatMap((p) => p.items as Body[]), pages };
}

afterEach(async () => {
  await emu?.stop();
});

describe('subscriptions.list (emulator)', () => {
  it('mine=true, alphabetical: pages like the ground truth; closed channels are counted but never returned', async () => {
    const lib = await start();
    const expected = lib.expectedMirror();
    const closed = lib.subscriptions.filter((s) => s.gone).length;
    expect(closed).toBeGreaterThan(0);
    expect(expected.subscriptionsPaged).toBe(120);

    const { items, pages } = await pageAll('subscriptions?mine=true&order=alphabetical&part=snippet,contentDetails');
    expect(pages).toHaveLength(3);
    for (const page of pages) expect(page.pageInfo.totalResults).toBe(120);
    // Pages are cut before closed channels are dropped: some come back short.
    expect(pages.reduce((n, p) => n + (p.items as Body[]).length, 0)).toBe(120 - closed);
    const titles = items.map((s) => (s.snippet.title as string).toLocaleLowerCase('en-US'));
    expect(titles).toEqual([...titles].sort((a, b) => a.localeCompare(b, 'en-US')));
    const byChannel = items.map((s) => ({
      subscriptionId: s.id,
      channelId: s.snippet.resourceId.channelId,
      title: s.snippet.title,
      description: s.snippet.description,
      thumbnailUrl: s.snippet.thumbnails.high.url,
      subscribedAt: s.snippet.publishedAt,
    }));
    expect(byChannel.sort((a, b) => (a.channelId < b.channelId ? -1 : 1))).toEqual(expected.subscriptions);
  });

  it('has the real resource shape, parts projected', async () => {
    await start({ subscriptions: 3 });
    const { body } = await api('subscriptions?mine=true&order=alphabetical&part=snippet,contentDetails&maxResults=1');
    expect(body.kind).toBe('youtube#subscriptionListResponse');
    const [s] = body.items as Body[];
    expect(s).toMatchObject({
      kind: 'youtube#subscription',
      id: expect.stringMatching(/^[\w-]{43}$/),
      snippet: {
        publishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        title: expect.any(String),
        resourceId: { kind: 'youtube#channel', channelId: expect.stringMatching(/^UC[\w-]{22}$/) },
        channelId: emu.library.channel.id,
        thumbnails: { default: { url: expect.stringMatching(/^https:\/\/yt3\.ggpht\.com\//) }, high: { url: expect.any(String) } },
      },
      contentDetails: { totalItemCount: expect.any(Number), newItemCount: 0, activityType: 'all' },
    });
    expect(s).not.toHaveProperty('subscriberSnippet');
    const idOnly = await api('subscriptions?mine=true&part=id&maxResults=1');
    expect(Object.keys((idOnly.body.items as Body[])[0]!).sort()).toEqual(['etag', 'id', 'kind']);
  });

  it('the default order ("relevance") is not stable from one call to the next', async () => {
    await start({ subscriptions: 30 });
    const ids = async () => ((await api('subscriptions?mine=true&part=id&maxResults=50')).body.items as Body[]).map((s) => s.id);
    expect(await ids()).not.toEqual(await ids());
  });

  it('reflects subscribe, unsubscribe, a renamed channel (its videos too) and a closed channel at the next request', async () => {
    const lib = await start({ subscriptions: 10 });
    const [first, second, third] = lib.subscriptions.filter((s) => !s.gone);
    const added = lib.subscribe({ title: 'Aardvark Adventures' });
    lib.unsubscribe(first!.channel.id);
    lib.renameChannel(second!.channel.id, 'Renamed channel');
    lib.closeChannel(third!.channel.id);
    const { items, pages } = await pageAll('subscriptions?mine=true&order=alphabetical&part=snippet');
    const channels = items.map((s) => s.snippet.resourceId.channelId as string);
    expect(channels).toContain(added);
    expect(channels).not.toContain(first!.channel.id);
    expect(channels).not.toContain(third!.channel.id);
    expect(items.find((s) => s.snippet.resourceId.channelId === second!.channel.id)?.snippet.title).toBe('Renamed channel');
    expect(pages[0]!.pageInfo.totalResults).toBe(lib.subscriptions.length);
    for (const v of lib.videos.values()) if (v.channelId === second!.channel.id) expect(v.channelTitle).toBe('Renamed channel');
  });

  it('refuses what the real API refuses: no filter, two filters, someone else\'s subscriptions, a bad order', async () => {
    await start({ subscriptions: 3 });
    expect((await api('subscriptions?part=snippet')).status).toBe(400);
    expect((await api('subscriptions?part=snippet&mine=true&id=x')).status).toBe(400);
    const other = await api('subscriptions?part=snippet&channelId=UCxxxxxxxxxxxxxxxxxxxxxx');
    expect(other.status).toBe(403);
    expect(other.body.error.errors[0].reason).toBe('subscriptionForbidden');
    expect((await api('subscriptions?part=snippet&mine=true&order=newest')).status).toBe(400);
  });

  it('etags: volatile by default (never a 304), stable on request (304, still a unit)', async () => {
    await start({ subscriptions: 3 });
    const path = 'subscriptions?mine=true&order=alphabetical&part=snippet&maxResults=50';
    const a = await api(path);
    expect((await api(path, { 'if-none-match': a.body.etag })).status).toBe(200);
    await emu.stop();
    await start({ subscriptions: 3, subscriptionsEtags: 'stable' });
    const b = await api(path);
    const used = emu.quota.used;
    expect((await api(path, { 'if-none-match': b.body.etag })).status).toBe(304);
    expect(emu.quota.used).toBe(used + 1);
  });
});
