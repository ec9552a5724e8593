/**
 * Deterministic generator of a realistic, awkward YouTube library: varied playlist sizes
 * (empty, > 50, one > 250 so paging is exercised), videos shared across playlists, the same
 * video twice in one playlist, deleted/private/unlisted videos, premieres (no duration),
 * live streams (P0D), day-long durations (P1DT2H), unicode/emoji titles, long descriptions.
 */
import { Library, isoSeconds, type Item, type Playlist, type PrivacyStatus, type Video } from './library.js';
import { Rng, makeChannelId, makePlaylistId, makePlaylistItemId, makeVideoId } from './rng.js';
import { makeSubscriptionId, type Subscription } from './subscriptions.js';

export interface GenerateLibraryOptions {
  seed: number;
  /** Number of playlists returned by playlists.list mine=true (LL not included). */
  playlists?: number;
  /** Total playlist items across those playlists (LL not included). */
  items?: number;
  /** Items in the Liked videos list (LL). */
  likes?: number;
  deletedRate?: number;
  privateRate?: number;
  unlistedRate?: number;
  /** Share of items that repeat a video already in the same playlist. */
  duplicateRate?: number;
  maxPlaylistSize?: number;
  premiereRate?: number;
  liveRate?: number;
  /** Channels the account subscribes to (default 24). */
  subscriptions?: number;
  /** Share of them whose channel was closed since: counted by subscriptions.list, never returned (default 0.04, at least one of 10 or more). */
  closedChannelRate?: number;
}

const WORDS = [
  'lofi', 'beats', 'study', 'mix', 'live', 'session', 'tutorial', 'TypeScript', 'PostgreSQL', 'guitar',
  'cover', 'remix', 'official', 'video', 'trailer', 'review', 'unboxing', 'speedrun', 'jazz', 'piano',
  'rain', 'sounds', 'documentary', 'lecture', 'chess', 'cooking', 'ramen', 'vlog', 'synthwave', 'drums',
];
const DECOR = [
  '🎵', '🔥', '☕', '✨', '🚀', '日本語タイトル', 'Café déjà vu', 'Ünïcödé', 'مرحبا', 'Привет', '한국어',
  '"quoted"', "it's", '<b>&amp;</b>', '\\ backslash', '👨‍👩‍👧‍👦', '𝕗𝕒𝕟𝕔𝕪', 'tab\there',
];
const CHANNEL_NAMES = [
  'Lofi Girl', 'Fireship', 'Kurzgesagt – In a Nutshell', '3Blue1Brown', 'ジブリ公式', 'Café Música 🎶',
  'Numberphile', 'Tom Scott', 'The Coding Train', 'Chef João', 'مرحبا Channel', 'Старый канал', 'DJ 🔥',
];
const FIXED_DURATIONS = ['P1DT2H', 'PT1H2M3S', 'PT4M13S', 'PT45S', 'PT10M', 'PT1H', 'PT2H', 'PT59M59S'];

export function generateLibrary(opts: GenerateLibraryOptions): Library {
  const rng = new Rng(opts.seed);
  const nPlaylists = opts.playlists ?? 12;
  const nItems = nPlaylists === 0 ? 0 : (opts.items ?? 1200);
  const nLikes = opts.likes ?? 150;
  const deletedRate = opts.deletedRate ?? 0.03;
  const privateRate = opts.privateRate ?? 0.03;
  const unlistedRate = opts.unlistedRate ?? 0.05;
  const duplicateRate = opts.duplicateRate ?? 0.02;
  const premiereRate = opts.premiereRate ?? 0.01;
  const liveRate = opts.liveRate ?? 0.01;
  const maxSize = Math.min(opts.maxPlaylistSize ?? 5000, 5000);

  const base = Date.parse('2012-01-01T00:00:00Z');
  const span = Date.parse('2025-01-01T00:00:00Z') - base;
  const randomDate = (): string => isoSeconds(base + Math.floor(rng.next() * span));

  const channel = {
    id: makeChannelId(rng), title: 'ytsync Tester ✨', description: 'A test account.',
    publishedAt: isoSeconds(base - 86_400_000 * 400),
  };
  const others = CHANNEL_NAMES.map((title) => ({ id: makeChannelId(rng), title }));

  const title = (): string => {
    const words = Array.from({ length: rng.int(1, 6) }, () => rng.pick(WORDS)).join(' ');
    return rng.chance(0.3) ? `${words} ${rng.pick(DECOR)}` : words;
  };
  const description = (): string => {
    const r = rng.next();
    if (r < 0.25) return '';
    if (r < 0.35) {
      // Long descriptions (close to YouTube's 5000-byte cap) with links and line breaks.
      const para = 'Timestamps:\n00:00 intro\n01:23 part one 🎬\nhttps://example.com/?a=1&b=2\n';
      return para.repeat(60).slice(0, 4500);
    }
    return `${title()}\n\n${rng.pick(DECOR)} ${title()}`;
  };

  // ---- videos --------------------------------------------------------------------------
  const videos: Video[] = [];
  const usedIds = new Set<string>();
  const newVideo = (): Video => {
    let id = makeVideoId(rng);
    while (usedIds.has(id)) id = makeVideoId(rng);
    usedIds.add(id);
    const own = rng.chance(0.05);
    const ch = own ? channel : rng.pick(others);
    const r = rng.next();
    const status = r < deletedRate ? 'deleted' : r < deletedRate + privateRate ? 'private'
      : r < deletedRate + privateRate + unlistedRate ? 'unlisted' : 'public';
    const kind = rng.next();
    let duration: string | null;
    let liveBroadcast: Video['liveBroadcast'] = 'none';
    if (kind < premiereRate) {
      duration = null;
      liveBroadcast = 'upcoming';
    } else if (kind < premiereRate + liveRate) {
      duration = 'P0D';
      liveBroadcast = 'live';
    } else {
      duration = randomDuration(rng);
    }
    const v: Video = {
      id, title: title(), description: description(), channelId: ch.id, channelTitle: ch.title,
      publishedAt: randomDate(), duration, status, liveBroadcast,
    };
    if (rng.chance(0.4)) v.tags = Array.from({ length: rng.int(1, 5) }, () => rng.pick(WORDS));
    videos.push(v);
    return v;
  };
  const poolSize = Math.max(1, Math.ceil(nItems * 0.7 + nLikes * 0.5));
  for (let i = 0; i < poolSize; i++) newVideo();
  // Make sure the awkward durations are present whatever the seed.
  FIXED_DURATIONS.forEach((d, i) => {
    const v = videos[i];
    if (v && v.duration !== null && v.duration !== 'P0D') v.duration = d;
  });

  // ---- playlist sizes --------------------------------------------------------------------
  const sizes = planSizes(rng, nPlaylists, nItems, maxSize);
  const playlists: Playlist[] = [];
  const itemIds = new Set<string>();
  const newItemId = (playlistId: string): string => {
    let id = makePlaylistItemId(rng, playlistId);
    while (itemIds.has(id)) id = makePlaylistItemId(rng, playlistId);
    itemIds.add(id);
    return id;
  };
  for (let p = 0; p < nPlaylists; p++) {
    const id = makePlaylistId(rng);
    const created = base + Math.floor(rng.next() * span * 0.8);
    const size = sizes[p] ?? 0;
    const items: Item[] = [];
    const inList = new Set<string>();
    let t = created;
    for (let i = 0; i < size; i++) {
      t += rng.int(60, 86_400 * 20) * 1000;
      let videoId: string;
      if (items.length > 0 && rng.chance(duplicateRate)) {
        videoId = rng.pick(items).videoId; // the same video twice in one playlist
      } else {
        let v = rng.pick(videos);
        for (let tries = 0; inList.has(v.id) && tries < 10; tries++) v = rng.pick(videos);
        if (inList.has(v.id)) v = newVideo();
        videoId = v.id;
      }
      inList.add(videoId);
      items.push({ id: newItemId(id), videoId, addedAt: isoSeconds(t) });
    }
    const privacyStatus: PrivacyStatus = rng.pick(['public', 'public', 'unlisted', 'private'] as const);
    playlists.push({ id, title: title(), description: description(), privacyStatus, publishedAt: isoSeconds(created), items });
  }
  // Newest first, like playlists.list mine=true.
  playlists.sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : 0));

  // ---- likes (distinct videos; newest like first) ---------------------------------------
  const likes: Item[] = [];
  const liked = new Set<string>();
  let lt = Date.parse('2025-05-01T00:00:00Z');
  for (let i = 0; i < nLikes; i++) {
    let v = rng.pick(videos);
    for (let tries = 0; liked.has(v.id) && tries < 10; tries++) v = rng.pick(videos);
    if (liked.has(v.id)) v = newVideo();
    liked.add(v.id);
    lt -= rng.int(60, 86_400 * 5) * 1000;
    likes.push({ id: newItemId('LL'), videoId: v.id, addedAt: isoSeconds(lt) });
  }

  const subscriptions = generateSubscriptions(opts, others);
  return new Library({ channel, playlists, likes, videos, subscriptions, seed: opts.seed });
}

/**
 * Subscriptions, from their own random stream so that adding them changed no playlist, item or
 * video of an existing seed: first the channels of the library's videos, then others, with
 * titles that sort awkwardly (case, accents, emoji, digits).
 */
function generateSubscriptions(opts: GenerateLibraryOptions, videoChannels: Array<{ id: string; title: string }>): Subscription[] {
  const rng = new Rng(opts.seed ^ 0x5ab5c);
  const n = opts.subscriptions ?? 24;
  const closedRate = opts.closedChannelRate ?? 0.04;
  const names = ['the', 'Daily', 'ásbyrgi', 'Zebra', 'zen', '42', 'Ocean', 'électro', 'Mountain', 'Lab', 'Ψ', 'code', 'Craft', 'Kitchen', '🎸', 'Nord'];
  const base = Date.parse('2010-01-01T00:00:00Z');
  const span = Date.parse('2025-05-01T00:00:00Z') - base;
  const list: Subscription[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < n; i++) {
    const known = videoChannels[i];
    let id = known?.id ?? makeChannelId(rng);
    while (taken.has(id)) id = makeChannelId(rng);
    taken.add(id);
    const title = known?.title ?? Array.from({ length: rng.int(1, 3) }, () => rng.pick(names)).join(' ') + ` ${i}`;
    const description = rng.chance(0.3) ? '' : `About ${title}: ${rng.pick(names)} videos every week.\nhttps://example.com/${i}`;
    list.push({
      id: makeSubscriptionId(rng),
      channel: { id, title, description, videoCount: rng.int(0, 3000) },
      subscribedAt: isoSeconds(base + Math.floor(rng.next() * span)),
    });
  }
  const closed = Math.min(n, Math.max(n >= 10 && closedRate > 0 ? 1 : 0, Math.round(n * closedRate)));
  for (const s of rng.shuffle([...list]).slice(0, closed)) s.gone = true;
  return list;
}

function randomDuration(rng: Rng): string {
  const r = rng.next();
  if (r < 0.15) return `PT${rng.int(1, 59)}S`;
  if (r < 0.7) return `PT${rng.int(1, 59)}M${rng.int(1, 59)}S`;
  if (r < 0.8) return `PT${rng.int(1, 59)}M`;
  if (r < 0.97) return `PT${rng.int(1, 9)}H${rng.int(0, 59)}M${rng.int(1, 59)}S`;
  return `P${rng.int(1, 3)}DT${rng.int(1, 23)}H`;
}

/**
 * Splits `total` items over `n` playlists: one empty, one > 250 and one > 50 when the
 * totals allow it, the rest weighted at random (capped at maxSize).
 */
function planSizes(rng: Rng, n: number, total: number, maxSize: number): number[] {
  const sizes = new Array<number>(n).fill(0);
  if (n === 0 || total === 0) return sizes;
  const free: number[] = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(free);
  let left = total;
  if (n >= 3) free.pop(); // stays empty
  if (n >= 2 && total >= 320 && maxSize > 250) {
    const big = Math.min(maxSize, Math.max(251, Math.round(total * 0.25)));
    sizes[free.pop() as number] = big;
    left -= big;
  }
  if (free.length >= 2 && left >= 120 && maxSize > 50) {
    const mid = Math.min(maxSize, rng.int(51, 120));
    sizes[free.pop() as number] = mid;
    left -= mid;
  }
  if (free.length === 0) return sizes;
  const weights = free.map(() => 0.2 + rng.next());
  const sum = weights.reduce((a, b) => a + b, 0);
  let assigned = 0;
  free.forEach((idx, k) => {
    const s = Math.min(maxSize, Math.floor((left * (weights[k] as number)) / sum));
    sizes[idx] = s;
    assigned += s;
  });
  // Hand out the rounding remainder one by one where there is room.
  for (let k = 0; assigned < left && k < free.length * maxSize; k++) {
    const idx = free[k % free.length] as number;
    if ((sizes[idx] as number) < maxSize) {
      sizes[idx] = (sizes[idx] as number) + 1;
      assigned++;
    }
  }
  return sizes;
}
