import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodePageToken, encodePageToken } from '../fakes/api-resources.js';
import { generateLibrary, isoDurationToSeconds, type Library } from '../fakes/library.js';
import { YouTubeEmulator, type RequestInfo } from '../fakes/youtube-emulator.js';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let emu: YouTubeEmulator;
let lib: Library;
let token: string;

async function api(path: string, opts: { token?: string | null; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Body }> {
  const t = opts.token === undefined ? token : opts.token;
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (t) headers.authorization = `Bearer ${t}`;
  const res = await fetch(`${emu.url}youtube/v3/${path}`, { headers });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Body) : {} };
}

async function pageAll(path: string): Promise<Body[]> {
  const out: Body[] = [];
  let pageToken: string | undefined;
  do {
    const { status, body } = await api(`${path}&maxResults=50${pageToken ? `&pageToken=${pageToken}` : ''}`);
    expect(status).toBe(200);
    out.push(...((body.items ?? []) as Body[])); // a page of hidden likes only has none
    pageToken = body.nextPageToken as string | undefined;
  } while (pageToken);
  return out;
}

beforeEach(async () => {
  lib = generateLibrary({ seed: 7, playlists: 6, items: 400, likes: 30, deletedRate: 0.05, privateRate: 0.05, premiereRate: 0.03, liveRate: 0.03 });
  emu = await YouTubeEmulator.start({ library: lib });
  token = emu.issueAccessToken();
});

afterEach(async () => {
  await emu.stop();
});

describe('library', () => {
  it('is deterministic and awkward in the right ways', () => {
    const again = generateLibrary({ seed: 7, playlists: 6, items: 400, likes: 30, deletedRate: 0.05, privateRate: 0.05, premiereRate: 0.03, liveRate: 0.03 });
    expect(again.expectedMirror()).toEqual(lib.expectedMirror());
    const m = lib.expectedMirror();
    const sizes = m.playlists.map((p) => p.itemCount);
    expect(sizes).toContain(0);
    expect(Math.max(...sizes)).toBeGreaterThan(250);
    expect(sizes.filter((s) => s > 50).length).toBeGreaterThanOrEqual(2);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(400);
    // The Liked list hides its private videos: the ground truth is what the API shows.
    const hiddenLikes = lib.likes.items.filter((it) => lib.getVideo(it.videoId)?.status === 'private').length;
    expect(hiddenLikes).toBeGreaterThan(0);
    expect(m.items.LL).toHaveLength(30 - hiddenLikes);
    const allItems = Object.values(m.items).flat();
    expect(new Set(allItems.map((i) => i.itemId)).size).toBe(allItems.length);
    const dup = m.playlists.some((p) => new Set(m.items[p.id]?.map((i) => i.videoId)).size < p.itemCount);
    expect(dup).toBe(true);
    expect(m.unavailableVideoIds.length).toBeGreaterThan(0);
    const durations = [...lib.videos.values()].map((v) => v.duration);
    expect(durations).toContain('P1DT2H');
    expect(durations).toContain(null);
    expect(durations).toContain('P0D');
    expect(Object.values(m.availableVideos).some((v) => /[^\x00-\x7f]/.test(v.title))).toBe(true);
  });

  it('parses ISO 8601 durations', () => {
    expect(isoDurationToSeconds('PT4M13S')).toBe(253);
    expect(isoDurationToSeconds('PT1H2M3S')).toBe(3723);
    expect(isoDurationToSeconds('P1DT2H')).toBe(93600);
    expect(isoDurationToSeconds('P0D')).toBe(0);
    expect(() => isoDurationToSeconds('4:13')).toThrow();
  });
});

describe('API surface', () => {
  it('requires a valid bearer token (401 in Google shape, 1 unit)', async () => {
    const r = await api('channels?mine=true&part=snippet', { token: null });
    expect(r.status).toBe(401);
    expect(r.body.error.status).toBe('UNAUTHENTICATED');
    expect(r.body.error.errors[0]).toMatchObject({ reason: 'authError', domain: 'global' });
    expect((await api('channels?mine=true&part=snippet', { token: 'ya29.nope' })).status).toBe(401);
    expect(emu.stats.unauthorized).toBe(2);
    expect(emu.quota.used).toBe(2);
  });

  it('channels.list mine=true', async () => {
    const { body } = await api('channels?mine=true&part=snippet,contentDetails');
    expect(body.kind).toBe('youtube#channelListResponse');
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ kind: 'youtube#channel', id: lib.channel.id, snippet: { title: lib.channel.title } });
    expect(body.items[0].contentDetails.relatedPlaylists).toEqual({ likes: 'LL', uploads: 'UU' + lib.channel.id.slice(2) });
  });

  it('relatedPlaylists.likes can be "" or absent (then the ground truth has no Liked list)', async () => {
    lib.likesAnswer = '';
    expect((await api('channels?mine=true&part=contentDetails')).body.items[0].contentDetails.relatedPlaylists.likes).toBe('');
    lib.likesAnswer = 'absent';
    expect((await api('channels?mine=true&part=contentDetails')).body.items[0].contentDetails.relatedPlaylists).not.toHaveProperty('likes');
    expect(lib.expectedMirror()).toMatchObject({ likesPlaylistId: null });
    expect(lib.expectedMirror().items).not.toHaveProperty('LL');
  });

  it('pages playlists.list mine=true like the ground truth, without LL', async () => {
    const first = await api('playlists?mine=true&part=snippet');
    expect(first.body.items).toHaveLength(5); // default maxResults
    expect(first.body.nextPageToken).toBe('CAUQAA'); // same bytes as the real "offset 5" token
    const items = await pageAll('playlists?mine=true&part=snippet,contentDetails,status');
    const m = lib.expectedMirror();
    expect(items.map((p) => ({ id: p.id, title: p.snippet.title, description: p.snippet.description, privacyStatus: p.status.privacyStatus, itemCount: p.contentDetails.itemCount }))).toEqual(m.playlists);
    expect(items.map((p) => p.id)).not.toContain('LL');
    const byId = await api(`playlists?part=id&id=${m.playlists[1]?.id},PLmissing,LL`);
    expect(byId.body.items.map((p: Body) => p.id)).toEqual([m.playlists[1]?.id]);
  });

  it('pages playlistItems (big list, LL) in order with realistic deleted/private items', async () => {
    const m = lib.expectedMirror();
    const big = [...m.playlists].sort((a, b) => b.itemCount - a.itemCount)[0]!;
    for (const id of [big.id, 'LL']) {
      const items = await pageAll(`playlistItems?playlistId=${id}&part=snippet,contentDetails,status`);
      expect(items.map((i) => ({ itemId: i.id, videoId: i.contentDetails.videoId, position: i.snippet.position }))).toEqual(m.items[id]);
    }
    // The Liked list: totalResults counts the private videos it never returns, pages come back
    // short of maxResults, positions skip the hidden ones.
    const ll = await api('playlistItems?playlistId=LL&part=snippet&maxResults=10');
    expect(ll.body.pageInfo.totalResults).toBe(lib.likes.items.length);
    expect(m.items.LL!.length).toBeLessThan(lib.likes.items.length);
    expect(ll.body.nextPageToken).toBeDefined();
    const firstTen = lib.likes.items.slice(0, 10).filter((it) => lib.getVideo(it.videoId)?.status !== 'private');
    expect(ll.body.items.map((i: Body) => i.id)).toEqual(firstTen.map((it) => it.id));
    const all = (await Promise.all(m.playlists.map((p) => pageAll(`playlistItems?playlistId=${p.id}&part=snippet,contentDetails,status`)))).flat();
    const deleted = all.find((i) => i.snippet.title === 'Deleted video')!;
    expect(deleted.snippet).toMatchObject({ description: 'This video is unavailable.', thumbnails: {} });
    expect(deleted.snippet.videoOwnerChannelId).toBeUndefined();
    expect(deleted.contentDetails.videoPublishedAt).toBeUndefined();
    const priv = all.find((i) => i.snippet.title === 'Private video')!;
    expect(priv).toMatchObject({ snippet: { description: 'This video is private.', thumbnails: {} } });
    expect(priv.snippet.resourceId.videoId).toMatch(/^[\w-]{11}$/);
    // Placeholders: some with a status (privacyStatusUnspecified, private), some without any.
    const placeholders = all.filter((i) => ['Deleted video', 'Private video'].includes(i.snippet.title));
    expect(new Set(placeholders.map((i) => i.status?.privacyStatus ?? 'none'))).toEqual(new Set(['privacyStatusUnspecified', 'private', 'none']));
    const ok = all.filter((i) => i.status?.privacyStatus === 'public');
    expect(ok.every((i) => i.contentDetails.videoPublishedAt)).toBe(true);
    // Older recordings have no videoOwnerChannel* at all: some items leave it out.
    const owners = ok.filter((i) => i.snippet.videoOwnerChannelId !== undefined);
    expect(owners.every((i) => /^UC/.test(i.snippet.videoOwnerChannelId))).toBe(true);
    expect(owners.length).toBeGreaterThan(ok.length / 2);
    expect(owners.length).toBeLessThan(ok.length);
    // Thumbnails stop at high, standard or maxres; placeholders have none.
    const tops = new Set(ok.map((i) => Object.keys(i.snippet.thumbnails).at(-1)));
    expect([...tops].sort()).toEqual(['high', 'maxres', 'standard']);
  });

  it('a refusing playlist answers 403 or 404 every time while playlists.list still lists it', async () => {
    const [a, b] = lib.playlists.filter((p) => p.items.length > 0) as [Library['likes'], Library['likes']];
    lib.refuseItems(a.id, 'notAccessible');
    lib.refuseItems(b.id, 'notFound');
    for (let i = 0; i < 2; i++) {
      const r = await api(`playlistItems?playlistId=${a.id}&part=id`);
      expect(r.status).toBe(403);
      expect(r.body.error.errors[0]).toMatchObject({ reason: 'playlistItemsNotAccessible', domain: 'youtube.playlistItem' });
      expect((await api(`playlistItems?playlistId=${b.id}&part=id`)).body.error.errors[0].reason).toBe('playlistNotFound');
    }
    const listed = await pageAll('playlists?mine=true&part=id');
    expect(listed.map((p) => p.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect((await api(`playlists?part=id&id=${a.id},${b.id}`)).body.items).toHaveLength(2);
    lib.refuseItems(a.id, undefined);
    expect((await api(`playlistItems?playlistId=${a.id}&part=id`)).status).toBe(200);
  });

  it('WL/HL are empty, unknown playlists are 404 playlistNotFound', async () => {
    expect((await api('playlistItems?playlistId=WL&part=id')).body).not.toHaveProperty('items'); // an empty answer leaves it out
    const r = await api('playlistItems?playlistId=PLdoesnotexist&part=id');
    expect(r.status).toBe(404);
    expect(r.body.error.errors[0]).toMatchObject({ reason: 'playlistNotFound', domain: 'youtube.playlistItem' });
  });

  it('respects part, validates part/maxResults/pageToken', async () => {
    emu.playlistItemsEtags = 'stable';
    const p = lib.playlists.find((x) => x.items.length > 0)!;
    const idOnly = await api(`playlistItems?playlistId=${p.id}&part=id`);
    expect(Object.keys(idOnly.body.items[0]).sort()).toEqual(['etag', 'id', 'kind']);
    const snip = await api(`playlistItems?playlistId=${p.id}&part=snippet`);
    expect(snip.body.items[0].contentDetails).toBeUndefined();
    expect(snip.body.items[0].etag).toBe(idOnly.body.items[0].etag); // item etag doesn't depend on part
    expect((await api(`playlistItems?playlistId=${p.id}&part=bogus`)).body.error.errors[0].reason).toBe('unknownPart');
    expect((await api(`playlistItems?playlistId=${p.id}`)).body.error.errors[0].reason).toBe('required');
    const big = await api(`playlistItems?playlistId=${p.id}&part=id&maxResults=51`);
    expect(big.status).toBe(400);
    expect(big.body.error.message).toBe("Invalid value '51'. Values must be within the range: [0, 50]");
    for (const bad of ['garbage!', 'CAUQ', 'AAAA']) {
      const r = await api(`playlistItems?playlistId=${p.id}&part=id&pageToken=${bad}`);
      expect(r.status).toBe(400);
      expect(r.body.error.errors[0].reason).toBe('invalidPageToken');
    }
  });

  it('page tokens are offsets: a mutation between pages shifts items', async () => {
    expect(decodePageToken(encodePageToken(300))).toEqual({ offset: 300, prev: false });
    const p = [...lib.playlists].sort((a, b) => b.items.length - a.items.length)[0]!;
    const page1 = await api(`playlistItems?playlistId=${p.id}&part=id&maxResults=5`);
    lib.addItem(p.id, p.items[10]!.videoId, 0);
    const page2 = await api(`playlistItems?playlistId=${p.id}&part=id&maxResults=5&pageToken=${page1.body.nextPageToken}`);
    expect(page2.body.items[0].id).toBe(page1.body.items[4].id); // seen twice
    const back = await api(`playlistItems?playlistId=${p.id}&part=id&maxResults=5&pageToken=${page2.body.prevPageToken}`);
    expect(back.body.items.map((i: Body) => i.id)).toEqual(p.items.slice(0, 5).map((i) => i.id));
  });

  it('videos.list omits deleted/private, caps ids at 50, renders durations', async () => {
    const m = lib.expectedMirror();
    const ids = [...Object.keys(m.availableVideos).slice(0, 40), ...m.unavailableVideoIds.slice(0, 10)];
    const r = await api(`videos?part=snippet,contentDetails,status&id=${ids.join(',')}`);
    expect(r.body.items.map((v: Body) => v.id).sort()).toEqual(ids.filter((id) => m.availableVideos[id]).sort());
    for (const v of r.body.items as Body[]) {
      const exp = m.availableVideos[v.id]!;
      expect(v.snippet.title).toBe(exp.title);
      const d = v.contentDetails.duration as string | undefined;
      expect(d === undefined ? null : isoDurationToSeconds(d)).toBe(exp.durationSeconds);
    }
    const premiere = [...lib.videos.values()].find((v) => v.duration === null && v.status === 'public')!;
    const pr = await api(`videos?part=contentDetails,snippet&id=${premiere.id}`);
    expect(pr.body.items[0].contentDetails.duration).toBeUndefined();
    expect(pr.body.items[0].snippet.liveBroadcastContent).toBe('upcoming');
    const tooMany = await api(`videos?part=id&id=${Array.from({ length: 51 }, (_, i) => `v${i}`).join(',')}`);
    expect(tooMany.status).toBe(400);
    // The discovery document says maxResults is not supported with id: refused here.
    const both = await api(`videos?part=id&id=${ids[0]}&maxResults=50`);
    expect(both.status).toBe(400);
    expect(both.body.error.errors[0].reason).toBe('incompatibleParameters');
    // And an available video can be left out as well: leaving out proves nothing.
    lib.hideFromVideosList(ids[0]!);
    expect((await api(`videos?part=id&id=${ids[0]}`)).body).not.toHaveProperty('items');
    expect(lib.expectedMirror().unavailableVideoIds).toContain(ids[0]);
  });

  it('unknown paths are Google-style 404s', async () => {
    const r = await fetch(`${emu.url}nope`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as Body).error.code).toBe(404);
  });
});

describe('etags', () => {
  it('answers 304 to If-None-Match (still 1 unit) and changes when content changes', async () => {
    const a = await api('playlists?mine=true&part=snippet&maxResults=50');
    const b = await api('playlists?mine=true&part=snippet&maxResults=50', { headers: { 'if-none-match': a.body.etag } });
    expect(b.status).toBe(304);
    expect(emu.stats.notModified).toBe(1);
    expect(emu.quota.used).toBe(2);
    expect(emu.requests[1]).toMatchObject({ notModified: true, units: 1, status: 304 });
    const target = lib.playlists.find((p) => p.items.length > 0)!;
    // Legacy etags are quoted and carry a slash; either form is accepted in If-None-Match.
    expect(a.body.etag).toMatch(/^"[\w-]{27}\/[\w-]{27}"$/);
    const bare = a.body.etag.slice(1, -1);
    expect((await api('playlists?mine=true&part=snippet&maxResults=50', { headers: { 'if-none-match': bare } })).status).toBe(304);
    const before = a.body.items.find((p: Body) => p.id === target.id).etag;
    lib.addItem(target.id, target.items[0]!.videoId); // item count changes → the playlist's etag too
    const c = await api('playlists?mine=true&part=snippet&maxResults=50', { headers: { 'if-none-match': a.body.etag } });
    expect(c.status).toBe(200);
    expect(c.body.items.find((p: Body) => p.id === target.id).etag).not.toBe(before);
  });

  it("a playlist's etag ignores a balanced item change ('metadata', the default) unless in 'items' mode", async () => {
    const target = lib.playlists.find((p) => p.items.length > 3)!;
    const etag = async () => (await api(`playlists?part=snippet,contentDetails&id=${target.id}`)).body.items[0].etag as string;
    const before = await etag();
    lib.removeItem(target.id, target.items[2]!.id);
    lib.addItem(target.id, target.items[1]!.videoId);
    expect(await etag()).toBe(before);
    await emu.stop();
    emu = await YouTubeEmulator.start({ library: lib, playlistEtags: 'items', etagStyle: 'plain' });
    token = emu.issueAccessToken();
    const itemsMode = await etag();
    expect(itemsMode).toMatch(/^[\w-]{27}$/);
    lib.removeItem(target.id, target.items[2]!.id);
    lib.addItem(target.id, target.items[1]!.videoId);
    expect(await etag()).not.toBe(itemsMode);
  });

  it('volatile playlistItems etags (the default) never match', async () => {
    const id = lib.playlists.find((p) => p.items.length > 0)!.id;
    const a = await api(`playlistItems?playlistId=${id}&part=id`);
    const b = await api(`playlistItems?playlistId=${id}&part=id`, { headers: { 'if-none-match': a.body.etag } });
    expect(b.status).toBe(200);
    expect(b.body.etag).not.toBe(a.body.etag);
  });
});

describe('quota', () => {
  it('refuses for free once spent, both variants, resets per day', async () => {
    emu.quota.setLimit(2);
    await api('channels?mine=true&part=id');
    await api('playlists?mine=true&part=id&maxResults=51'); // a 400 still costs
    const r = await api('channels?mine=true&part=id');
    expect(r.status).toBe(403);
    expect(r.body.error.errors[0]).toMatchObject({ reason: 'quotaExceeded', domain: 'youtube.quota' });
    expect(emu.quota.used).toBe(2);
    expect(emu.quota.refused).toBe(1);
    expect(emu.requests.at(-1)?.units).toBe(0);
    emu.quota.variant = 'dailyLimitExceeded';
    expect((await api('channels?mine=true&part=id')).body.error.errors[0]).toMatchObject({ reason: 'dailyLimitExceeded', domain: 'usageLimits' });
    emu.quota.resetDay();
    expect((await api('channels?mine=true&part=id')).status).toBe(200);
    expect(emu.stats.byResource).toMatchObject({ channels: 4, playlists: 1 });
  });

  it('exhaustAt spends the quota right before the first matching request, until the reset', async () => {
    const p = lib.playlists.find((x) => x.items.length > 50)!;
    emu.quota.exhaustAt((r) => r.resource === 'playlistItems' && r.query.pageToken !== undefined);
    expect((await api(`playlistItems?playlistId=${p.id}&part=id&maxResults=50`)).status).toBe(200);
    const second = await api(`playlistItems?playlistId=${p.id}&part=id&maxResults=50&pageToken=${encodePageToken(50)}`);
    expect(second.status).toBe(403);
    expect(second.body.error.errors[0]).toMatchObject({ reason: 'quotaExceeded', domain: 'youtube.quota' });
    // Everything after it is refused too (for free), whatever the limit says.
    expect((await api('channels?mine=true&part=id')).status).toBe(403);
    expect(emu.quota).toMatchObject({ used: 1, refused: 2, exhausted: true, remaining: 0 });
    emu.quota.resetDay();
    expect((await api(`playlistItems?playlistId=${p.id}&part=id&maxResults=50&pageToken=${encodePageToken(50)}`)).status).toBe(200);
    expect(emu.quota.exhausted).toBe(false);
  });
});

describe('malformed resources', () => {
  it('serves chosen items and videos without snippet, contentDetails, video id or thumbnails; the ground truth stays', async () => {
    const p = lib.playlists.find((x) => x.items.length > 5 && x.items.slice(0, 5).every((it) => lib.getVideo(it.videoId)?.status === 'public'))!;
    type It = Library['likes']['items'][number];
    const [a, b, c, d, e] = p.items as [It, It, It, It, It];
    const before = lib.expectedMirror();
    lib.malform(a.id, 'noSnippet');
    lib.malform(b.id, 'noContentDetails');
    lib.malform(c.id, 'noVideoId');
    lib.malform(d.id, 'nullThumbnails');
    lib.malform(d.id, 'noContentDetails');
    lib.malform(e.videoId, 'nullThumbnails');
    expect(() => lib.malform('nope', 'noSnippet')).toThrow();
    expect(() => lib.malform(e.videoId, 'noVideoId')).toThrow();
    expect(lib.expectedMirror()).toEqual(before);

    const { body } = await api(`playlistItems?playlistId=${p.id}&part=snippet,contentDetails,status&maxResults=5`);
    const [ia, ib, ic, id, ie] = body.items as Body[];
    expect(ia).toMatchObject({ id: a.id, contentDetails: { videoId: a.videoId } });
    expect(ia!.snippet).toBeUndefined();
    expect(ib).toMatchObject({ id: b.id, snippet: { resourceId: { videoId: b.videoId } } });
    expect(ib!.contentDetails).toBeUndefined();
    expect(ic!.id).toBe(c.id);
    expect(ic!.snippet.resourceId).toBeUndefined();
    expect(ic!.contentDetails.videoId).toBeUndefined();
    expect(id!.snippet.thumbnails).toBeNull();
    expect(id!.contentDetails).toBeUndefined();
    expect(ie!.snippet.thumbnails).not.toBeNull(); // the video, not its item, is malformed

    const videos = await api(`videos?id=${e.videoId},${a.videoId}&part=snippet,contentDetails`);
    const byId = new Map((videos.body.items as Body[]).map((v) => [v.id, v]));
    expect(byId.get(e.videoId)!.snippet.thumbnails).toBeNull();
    expect(byId.get(a.videoId)!.snippet.thumbnails).not.toBeNull();
    lib.malform(a.videoId, 'noSnippet');
    expect((await api(`videos?id=${a.videoId}&part=snippet,contentDetails`)).body.items[0].snippet).toBeUndefined();
  });
});

describe('faults', () => {
  it('failNext injects exact faults, each costing 1 unit except quotaExceeded', async () => {
    const kinds = ['500', '503', '429', 'rateLimitExceeded', 'userRateLimitExceeded', 'invalidPageToken', 'quotaExceeded'] as const;
    for (const k of kinds) emu.faults.failNext(1, k);
    const seen = [];
    for (let i = 0; i < kinds.length; i++) {
      const r = await api('channels?mine=true&part=id');
      seen.push([r.status, r.body.error.errors[0].reason]);
    }
    expect(seen).toEqual([[500, 'backendError'], [503, 'backendError'], [429, 'rateLimitExceeded'], [403, 'rateLimitExceeded'],
      [403, 'userRateLimitExceeded'], [400, 'invalidPageToken'], [403, 'quotaExceeded']]);
    expect(emu.quota.used).toBe(6);
    expect(emu.stats.faults).toBe(7);
    expect((await api('channels?mine=true&part=id')).status).toBe(200);
  });

  it('resets the connection, scoped by resource', async () => {
    emu.faults.failNext(1, 'reset', 'videos');
    expect((await api('channels?mine=true&part=id')).status).toBe(200);
    await expect(api('videos?part=id&id=x')).rejects.toThrow();
    expect(emu.requests.at(-1)).toMatchObject({ resource: 'videos', status: 0, units: 1, fault: 'reset' });
  });

  it('random faults are deterministic per seed; latency applies', async () => {
    const run = async (): Promise<string> => {
      emu.faults.set({ seed: 42, serverErrorRate: 0.2, rateLimitRate: 0.2, resetRate: 0.1 });
      const out: string[] = [];
      for (let i = 0; i < 25; i++) out.push(await api('channels?mine=true&part=id').then((r) => String(r.status), () => 'reset'));
      return out.join(',');
    };
    const first = await run();
    expect(first).toMatch(/5\d\d/);
    expect(first).toContain('reset');
    expect(await run()).toBe(first);
    emu.faults.clear();
    emu.faults.set({ latencyMs: 60 });
    const t0 = Date.now();
    await Promise.all([api('channels?mine=true&part=id'), api('channels?mine=true&part=id')]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
    expect(Date.now() - t0).toBeLessThan(500); // concurrent, not serialized
  });
});

describe('hooks', () => {
  it('emits request infos and lets tests mutate mid-run', async () => {
    const infos: RequestInfo[] = [];
    const p = lib.playlists.find((x) => x.items.length > 3)!;
    emu.on('request', (info: RequestInfo) => {
      infos.push(info);
      if (info.seq === 1) lib.removeItem(p.id, p.items[0]!.id);
    });
    const a = await api(`playlistItems?playlistId=${p.id}&part=id`);
    const b = await api(`playlistItems?playlistId=${p.id}&part=id`);
    expect(b.body.items[0].id).toBe(a.body.items[1].id);
    expect(infos).toEqual(emu.requests);
    expect(infos[0]).toMatchObject({ seq: 1, resource: 'playlistItems', query: { playlistId: p.id, part: 'id' }, status: 200, units: 1, notModified: false });
  });
});

describe('oauth', () => {
  const client = { id: 'test-client.apps.googleusercontent.com', secret: 'test-secret' };
  const form = (o: Record<string, string>): RequestInit => ({
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(o).toString(),
  });
  const authorize = async (extra: Record<string, string> = {}): Promise<{ res: Response; verifier: string; redirect: string }> => {
    const verifier = randomBytes(32).toString('base64url');
    const redirect = 'http://127.0.0.1:53682/callback';
    const q = new URLSearchParams({
      client_id: client.id, redirect_uri: redirect, response_type: 'code', state: 'st4te',
      scope: 'https://www.googleapis.com/auth/youtube.readonly', code_challenge_method: 'S256',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), access_type: 'offline', prompt: 'consent', ...extra,
    });
    const res = await fetch(`${emu.oauthUrls.auth}?${q}`, { redirect: 'manual' });
    return { res, verifier, redirect };
  };

  it('runs the loopback + PKCE flow, refresh, expiry and revoke', async () => {
    const { res, verifier, redirect } = await authorize();
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.origin + loc.pathname).toBe(redirect);
    expect(loc.searchParams.get('state')).toBe('st4te');
    expect(emu.oauth.authRequests[0]).toMatchObject({ redirectHost: '127.0.0.1:53682', codeChallengeMethod: 'S256', accessType: 'offline', prompt: 'consent', accepted: true });
    const code = loc.searchParams.get('code')!;
    const ex = await fetch(emu.oauthUrls.token, form({ grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: verifier, client_id: client.id, client_secret: client.secret }));
    const tokens = (await ex.json()) as Body;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(emu.oauth.exchanges[0]).toMatchObject({ verifierMatched: true, code, ok: true });
    const reuse = await fetch(emu.oauthUrls.token, form({ grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: verifier, client_id: client.id, client_secret: client.secret }));
    expect(reuse.status).toBe(400);
    expect((await api('channels?mine=true&part=id', { token: tokens.access_token })).status).toBe(200);

    // Refresh with HTTP Basic client auth.
    const basic = 'Basic ' + Buffer.from(`${client.id}:${client.secret}`).toString('base64');
    const rf = await fetch(emu.oauthUrls.token, { ...form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }), headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic } });
    const refreshed = (await rf.json()) as Body;
    expect(refreshed.access_token).toMatch(/^ya29\./);
    expect(refreshed.refresh_token).toBeUndefined();
    emu.oauth.expireAccessTokens();
    expect((await api('channels?mine=true&part=id', { token: refreshed.access_token })).status).toBe(401);

    const rv = await fetch(`${emu.oauthUrls.revoke}?token=${encodeURIComponent(tokens.refresh_token)}`, { method: 'POST' });
    expect(rv.status).toBe(200);
    expect(emu.oauth.isRevoked(tokens.refresh_token)).toBe(true);
    const dead = await fetch(emu.oauthUrls.token, form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.id, client_secret: client.secret }));
    expect(dead.status).toBe(400);
    expect(await dead.json()).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    expect((await fetch(emu.oauthUrls.revoke, form({ token: tokens.refresh_token }))).status).toBe(400);
    expect(emu.oauth.stats).toMatchObject({ authorizations: 1, exchanges: 2, refreshes: 1, revocations: 1 });
  });

  it('rejects a wrong verifier, bad redirects, plain PKCE; denyNext', async () => {
    const { res, redirect } = await authorize();
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const bad = await fetch(emu.oauthUrls.token, form({ grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: 'x'.repeat(43), client_id: client.id, client_secret: client.secret }));
    expect(bad.status).toBe(400);
    expect(emu.oauth.exchanges[0]).toMatchObject({ verifierMatched: false, ok: false });
    expect((await authorize({ redirect_uri: 'https://example.com/cb' })).res.status).toBe(400);
    expect((await authorize({ code_challenge_method: 'plain' })).res.status).toBe(400);
    expect((await authorize({ client_id: 'nope' })).res.status).toBe(400);
    emu.oauth.denyNext();
    const denied = await authorize();
    const loc = new URL(denied.res.headers.get('location')!);
    expect(loc.searchParams.get('error')).toBe('access_denied');
    expect(loc.searchParams.get('state')).toBe('st4te');
  });

  it('revoking an access token kills the grant; seeded refresh tokens work', async () => {
    const rt = emu.oauth.issueRefreshToken();
    const at = emu.oauth.issueAccessToken(rt);
    expect((await fetch(`${emu.oauthUrls.revoke}?token=${at}`, { method: 'POST' })).status).toBe(200);
    expect(emu.oauth.isRevoked(rt)).toBe(true);
    expect((await api('channels?mine=true&part=id', { token: at })).status).toBe(401);
  });
});

describe('lifecycle', () => {
  it('stop() closes keep-alive connections and pending latency without hanging', async () => {
    emu.faults.set({ latencyMs: 5000 });
    const pending = api('channels?mine=true&part=id').catch(() => 'aborted');
    await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    await emu.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await pending).toBe('aborted');
  });
});
