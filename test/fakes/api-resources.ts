/**
 * Renders the library as YouTube Data API v3 resources, plus the mechanics every list
 * method shares: `part` filtering, etags, and offset-encoding page tokens.
 */
import { createHash } from 'node:crypto';
import { ApiError, apiErrors } from './google-errors.js';
import type { Item, Library, Malformation, Playlist, Video } from './library.js';

export type Json = Record<string, unknown>;

/**
 * Etag formats seen in recordings: current ones are plain 27-character strings
 * ("Jf4P0gT1vlMjM4wMPNw5F8LlIaw"); legacy ones are quoted and carry a slash
 * ("\"<27 chars>/<27 chars>\""), the part before the slash shared by every etag of the time.
 */
export type EtagStyle = 'plain' | 'legacy';

const LEGACY_PREFIX = createHash('sha1').update('ytsync emulator, legacy etag era').digest('base64url').slice(0, 27);

export function etagOf(value: unknown, style: EtagStyle = 'plain'): string {
  const hash = createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 27);
  return style === 'legacy' ? `"${LEGACY_PREFIX}/${hash}"` : hash;
}

/** An If-None-Match value and an etag name the same version, quoted or not, weak or not. */
export function sameEtag(header: string | undefined, etag: unknown): boolean {
  if (!header || typeof etag !== 'string') return false;
  const bare = (s: string) => s.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  return header.split(',').some((h) => bare(h) === bare(etag));
}

/** A stable pseudo-random number in [0, 1) for an id: the same video always looks the same. */
export function hashFraction(id: string, salt: string): number {
  return createHash('sha1').update(id + salt).digest().readUInt32BE(0) / 2 ** 32;
}

// ---- part ----------------------------------------------------------------------------------

export const ALLOWED_PARTS = {
  channels: ['id', 'snippet', 'contentDetails', 'statistics', 'status', 'brandingSettings', 'topicDetails', 'localizations', 'contentOwnerDetails'],
  playlists: ['id', 'snippet', 'contentDetails', 'status', 'player', 'localizations'],
  playlistItems: ['id', 'snippet', 'contentDetails', 'status'],
  videos: ['id', 'snippet', 'contentDetails', 'status', 'statistics', 'player', 'topicDetails', 'recordingDetails', 'liveStreamingDetails', 'localizations', 'fileDetails', 'processingDetails', 'suggestions'],
  subscriptions: ['id', 'snippet', 'contentDetails', 'subscriberSnippet'],
} as const;

/** `part` is required; an unknown part is a 400 unknownPart (domain youtube.part), as for real. */
export function parseParts(raw: string | undefined, allowed: readonly string[]): Set<string> {
  if (raw === undefined || raw.trim() === '') throw apiErrors.required('part');
  const parts = new Set<string>();
  for (const p of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!allowed.includes(p)) throw apiErrors.unknownPart(p);
    parts.add(p);
  }
  return parts;
}

/**
 * `kind`, `etag` and `id` are always present; other top-level properties only if their part
 * was requested. The item etag hashes the full resource, so it does not depend on `part`.
 */
export function project(full: Json, parts: Set<string>, etag: string): Json {
  const out: Json = { kind: full.kind, etag, id: full.id };
  for (const [k, v] of Object.entries(full)) {
    if (k !== 'kind' && k !== 'id' && parts.has(k) && v !== undefined) out[k] = v;
  }
  return out;
}

// ---- page tokens ---------------------------------------------------------------------------

/**
 * Real tokens ("CAUQAA", "CDIQAQ") are base64url protobufs: field 1 = offset (varint),
 * field 2 = direction (0 next, 1 previous). We produce the same bytes, so tokens are plain
 * offsets: if the list changes between two pages, items shift (skipped or seen twice).
 */
export function encodePageToken(offset: number, prev = false): string {
  const bytes = [0x08];
  let n = offset;
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  bytes.push(0x10, prev ? 1 : 0);
  return Buffer.from(bytes).toString('base64url');
}

export function decodePageToken(token: string): { offset: number; prev: boolean } {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw apiErrors.invalidPageToken();
  const b = Buffer.from(token, 'base64url');
  if (b.toString('base64url') !== token || b[0] !== 0x08) throw apiErrors.invalidPageToken();
  let offset = 0;
  let i = 1;
  for (let shift = 1; ; shift *= 128) {
    const byte = b[i++];
    if (byte === undefined || shift > 2 ** 28) throw apiErrors.invalidPageToken();
    offset += (byte & 0x7f) * shift;
    if ((byte & 0x80) === 0) break;
  }
  if (b[i] !== 0x10 || (b[i + 1] !== 0 && b[i + 1] !== 1) || b.length !== i + 2) throw apiErrors.invalidPageToken();
  return { offset, prev: b[i + 1] === 1 };
}

/** maxResults: default 5, 0..50 inclusive, else the real API's "Invalid value" 400. */
export function parseMaxResults(raw: string | undefined): number {
  if (raw === undefined) return 5;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n > 50) throw apiErrors.outOfRange('maxResults', raw);
  return n;
}

export interface Page<T> {
  items: T[];
  offset: number;
  nextPageToken?: string;
  prevPageToken?: string;
}

export function paginate<T>(all: readonly T[], maxResults: number, pageToken: string | undefined): Page<T> {
  let start = 0;
  if (pageToken !== undefined && pageToken !== '') {
    const t = decodePageToken(pageToken);
    start = t.prev ? Math.max(0, t.offset - maxResults) : t.offset;
  }
  const end = Math.min(all.length, start + maxResults);
  const page: Page<T> = { items: all.slice(start, end), offset: start };
  if (maxResults > 0 && end < all.length) page.nextPageToken = encodePageToken(end);
  if (start > 0 && start <= all.length) page.prevPageToken = encodePageToken(start, true);
  return page;
}

/**
 * A list response. Its etag hashes the whole body (items, tokens, totals); `salt` makes it
 * change on every call (the "volatile" playlistItems etags reported by the community).
 */
export function listBody(
  resource: string,
  items: Json[],
  page: { nextPageToken?: string; prevPageToken?: string; totalResults: number; resultsPerPage: number },
  etag: { salt?: string; style?: EtagStyle } = {},
): Json {
  const kind = `youtube#${resource.replace(/s$/, '')}ListResponse`;
  const rest: Json = {};
  if (page.nextPageToken) rest.nextPageToken = page.nextPageToken;
  if (page.prevPageToken) rest.prevPageToken = page.prevPageToken;
  rest.pageInfo = { totalResults: page.totalResults, resultsPerPage: page.resultsPerPage };
  // Whether the real API sends `items: []` or leaves the field out of an empty answer is not
  // recorded (reports of `data.items[0]` failing on channels.list suggest the latter): left out.
  if (items.length > 0) rest.items = items;
  return { kind, etag: etagOf([kind, rest, etag.salt ?? null], etag.style), ...rest };
}

// ---- resources -----------------------------------------------------------------------------

/**
 * Recordings show many videos stop at `standard` or `high`: `maxres` is often missing. Here a
 * third of the videos stop at `high`, a third at `standard`, the rest go up to `maxres`.
 */
export function videoThumbnails(videoId: string): Json {
  const t = (name: string, width: number, height: number): Json => ({ url: `https://i.ytimg.com/vi/${videoId}/${name}.jpg`, width, height });
  const sizes: Json = { default: t('default', 120, 90), medium: t('mqdefault', 320, 180), high: t('hqdefault', 480, 360) };
  const r = hashFraction(videoId, 'thumbnails');
  if (r >= 1 / 3) sizes.standard = t('sddefault', 640, 480);
  if (r >= 2 / 3) sizes.maxres = t('maxresdefault', 1280, 720);
  return sizes;
}

const NO_THUMBNAIL = (w: number, h: number): Json => ({ url: 'https://i.ytimg.com/img/no_thumbnail.jpg', width: w, height: h });

export function isAvailable(v: Video | undefined): v is Video {
  return v !== undefined && (v.status === 'public' || v.status === 'unlisted');
}

/** Deterministic pseudo statistics so that etags stay stable between calls. */
function stat(id: string, salt: string, mod: number): string {
  return String(createHash('sha1').update(id + salt).digest().readUInt32BE(0) % mod);
}

export function channelResource(lib: Library): Json {
  const c = lib.channel;
  const relatedPlaylists: Json = { uploads: lib.uploadsPlaylistId };
  if (lib.likesAnswer !== 'absent') relatedPlaylists.likes = lib.likesAnswer;
  return {
    kind: 'youtube#channel', id: c.id,
    snippet: {
      title: c.title, description: c.description, publishedAt: c.publishedAt,
      thumbnails: { default: { url: `https://yt3.ggpht.com/${c.id}=s88`, width: 88, height: 88 } },
      localized: { title: c.title, description: c.description },
    },
    contentDetails: { relatedPlaylists },
    statistics: { viewCount: stat(c.id, 'v', 100000), subscriberCount: '0', hiddenSubscriberCount: false, videoCount: '0' },
    status: { privacyStatus: 'public', isLinked: true, longUploadsStatus: 'longUploadsUnspecified' },
  };
}

/**
 * Whether a playlist's etag moves when only its items change is unknown for the real API.
 * 'metadata' (the default, the inconvenient answer): it hashes what playlists.list shows —
 * title, privacy, itemCount, thumbnail — so a balanced change (one item out, one in, same first
 * video) leaves it as it was. 'items': it also hashes the items' ids and order.
 */
export type PlaylistEtagMode = 'metadata' | 'items';

export function playlistResource(lib: Library, p: Playlist, mode: PlaylistEtagMode = 'metadata', style: EtagStyle = 'plain'): { full: Json; etag: string } {
  const first = p.items.map((it) => lib.getVideo(it.videoId)).find(isAvailable);
  const thumbnails = first ? videoThumbnails(first.id) : { default: NO_THUMBNAIL(120, 90), medium: NO_THUMBNAIL(320, 180), high: NO_THUMBNAIL(480, 360) };
  const full: Json = {
    kind: 'youtube#playlist', id: p.id,
    snippet: {
      publishedAt: p.publishedAt, channelId: lib.channel.id, title: p.title, description: p.description,
      thumbnails, channelTitle: lib.channel.title, localized: { title: p.title, description: p.description },
    },
    status: { privacyStatus: p.privacyStatus },
    contentDetails: { itemCount: p.items.length },
    player: { embedHtml: `<iframe width="640" height="360" src="http://www.youtube.com/embed/videoseries?list=${p.id}" frameborder="0" allowfullscreen></iframe>` },
  };
  return { full, etag: etagOf(mode === 'items' ? [full, p.items.map((it) => [it.id, it.videoId])] : full, style) };
}

/** Deleted and private videos keep their slot but lose everything but the video id. */
export function playlistItemResource(lib: Library, playlistId: string, item: Item, position: number): Json {
  const v = lib.getVideo(item.videoId);
  const snippet: Json = {
    publishedAt: item.addedAt, channelId: lib.channel.id, title: '', description: '', thumbnails: {},
    channelTitle: lib.channel.title, playlistId, position,
    resourceId: { kind: 'youtube#video', videoId: item.videoId },
  };
  const contentDetails: Json = { videoId: item.videoId };
  let privacyStatus: string;
  if (v === undefined || v.status === 'deleted') {
    Object.assign(snippet, { title: 'Deleted video', description: 'This video is unavailable.' });
    privacyStatus = 'privacyStatusUnspecified';
  } else if (v.status === 'private') {
    Object.assign(snippet, { title: 'Private video', description: 'This video is private.' });
    privacyStatus = 'private';
  } else {
    Object.assign(snippet, { title: v.title, description: v.description, thumbnails: videoThumbnails(v.id) });
    // Older recordings have no videoOwnerChannel* at all: a quarter of the items leave them out.
    if (hashFraction(item.id, 'owner') >= 0.25) Object.assign(snippet, { videoOwnerChannelTitle: v.channelTitle, videoOwnerChannelId: v.channelId });
    contentDetails.videoPublishedAt = v.publishedAt;
    privacyStatus = v.status;
  }
  // Recorded placeholders carry no status (YOUTUBE-API.md: a deleted one's is "often"
  // privacyStatusUnspecified): half of them here come without it, so that the title must do.
  const placeholder = v === undefined || v.status === 'deleted' || v.status === 'private';
  if (placeholder && hashFraction(item.id, 'placeholder status') < 0.5) return { kind: 'youtube#playlistItem', id: item.id, snippet, contentDetails };
  return { kind: 'youtube#playlistItem', id: item.id, snippet, contentDetails, status: { privacyStatus } };
}

export function videoResource(v: Video): Json {
  const live = v.liveBroadcast ?? 'none';
  const contentDetails: Json = {};
  // Upcoming premieres have no duration at all; live streams say "P0D".
  if (v.duration !== null) contentDetails.duration = v.duration;
  Object.assign(contentDetails, { dimension: '2d', definition: 'hd', caption: 'false', licensedContent: false, contentRating: {}, projection: 'rectangular' });
  const snippet: Json = {
    publishedAt: v.publishedAt, channelId: v.channelId, title: v.title, description: v.description,
    thumbnails: videoThumbnails(v.id), channelTitle: v.channelTitle,
  };
  if (v.tags && v.tags.length > 0) snippet.tags = v.tags;
  Object.assign(snippet, { categoryId: '10', liveBroadcastContent: live, localized: { title: v.title, description: v.description } });
  const full: Json = {
    kind: 'youtube#video', id: v.id, snippet, contentDetails,
    status: {
      uploadStatus: live === 'upcoming' ? 'uploaded' : 'processed', privacyStatus: v.status, license: 'youtube',
      embeddable: true, publicStatsViewable: true, madeForKids: false,
    },
    statistics: { viewCount: stat(v.id, 'v', 10_000_000), likeCount: stat(v.id, 'l', 100_000), favoriteCount: '0', commentCount: stat(v.id, 'c', 5000) },
    player: { embedHtml: `<iframe width="480" height="270" src="//www.youtube.com/embed/${v.id}" frameborder="0" allowfullscreen></iframe>` },
  };
  if (live !== 'none') {
    full.liveStreamingDetails = live === 'live'
      ? { actualStartTime: v.publishedAt, concurrentViewers: stat(v.id, 'cv', 1000) }
      : { scheduledStartTime: v.publishedAt };
  }
  return full;
}

export { ApiError };

/** Applies Library.malform()'s damage to a rendered resource (in place). */
export function malformed(full: Json, kinds: ReadonlySet<Malformation> | undefined): Json {
  if (!kinds) return full;
  const snippet = full.snippet as Json | undefined;
  const contentDetails = full.contentDetails as Json | undefined;
  if (kinds.has('nullThumbnails') && snippet) snippet.thumbnails = null;
  if (kinds.has('noVideoId')) {
    if (snippet) delete snippet.resourceId;
    if (contentDetails) delete contentDetails.videoId;
  }
  if (kinds.has('noSnippet')) delete full.snippet;
  if (kinds.has('noContentDetails')) delete full.contentDetails;
  if (kinds.has('noStatus')) delete full.status;
  if (kinds.has('noId')) delete full.id;
  return full;
}
