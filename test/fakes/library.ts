/**
 * In-memory model of one YouTube account (the "library") that the emulator serves,
 * its mutations (usable while the server runs, e.g. from a request hook), and the
 * ground truth a correct mirror must end up with (`expectedMirror`).
 *
 * The emulator renders API resources from this model on every request, so any
 * mutation is visible at the next request, exactly as on YouTube: a page token
 * issued before a mutation then points at a shifted offset.
 */
import { Rng, makeChannelId, makePlaylistId, makePlaylistItemId, makeVideoId } from './rng.js';
import { expectedSubscriptions, makeSubscriptionId, type ExpectedSubscription, type SubscribedChannel, type Subscription } from './subscriptions.js';

export type VideoStatus = 'public' | 'unlisted' | 'private' | 'deleted';
export type PrivacyStatus = 'public' | 'unlisted' | 'private';

export interface Channel {
  id: string;
  title: string;
  description: string;
  publishedAt: string;
}

export interface Video {
  id: string;
  title: string;
  description: string;
  channelId: string;
  channelTitle: string;
  publishedAt: string;
  /** ISO 8601; null while a premiere is upcoming (the API then omits it); "P0D" for live. */
  duration: string | null;
  status: VideoStatus;
  liveBroadcast?: 'none' | 'live' | 'upcoming';
  tags?: string[];
}

export interface Item {
  /** playlistItem id: unique across the account, stable while the item exists. */
  id: string;
  videoId: string;
  /** when it was added: snippet.publishedAt of the playlistItem. */
  addedAt: string;
}

export interface Playlist {
  id: string;
  title: string;
  description: string;
  privacyStatus: PrivacyStatus;
  publishedAt: string;
  items: Item[];
}

export const LIKES_ID = 'LL';

/**
 * What `channels.list mine` says of the Liked list: "LL" (usual), "" or no `likes` key at all
 * (both seen in recordings: then there is no readable Liked list).
 */
export type LikesAnswer = 'LL' | '' | 'absent';

/**
 * How a playlist can refuse its items while playlists.list still lists it: 403
 * playlistItemsNotAccessible, or 404 playlistNotFound (both seen in the wild).
 */
export type Refusal = 'notAccessible' | 'notFound';

/**
 * Ways a resource can come back out of shape, for robustness tests: a playlist item or video
 * without its `snippet` or `contentDetails`, an item with no video id anywhere, `thumbnails: null`.
 */
export type Malformation = 'noId' | 'noSnippet' | 'noContentDetails' | 'noStatus' | 'noVideoId' | 'nullThumbnails';

export interface ExpectedVideo {
  title: string;
  description: string;
  channelId: string;
  channelTitle: string;
  publishedAt: string;
  durationSeconds: number | null;
  privacyStatus: 'public' | 'unlisted';
}

export interface ExpectedMirror {
  channel: { id: string; title: string };
  /** null when the account's channel says no readable Liked list ("" or absent). */
  likesPlaylistId: string | null;
  playlists: Array<{ id: string; title: string; description: string; privacyStatus: PrivacyStatus; itemCount: number }>;
  items: Record<string, Array<{ itemId: string; videoId: string; position: number }>>;
  /** Places YouTube pages through per list: the Liked list's hidden private videos included. */
  pagedSizes: Record<string, number>;
  availableVideos: Record<string, ExpectedVideo>;
  unavailableVideoIds: string[];
  /** Subscriptions the API returns, by channel id. */
  subscriptions: ExpectedSubscription[];
  /** Places subscriptions.list pages through: subscriptions to closed channels included. */
  subscriptionsPaged: number;
}

/** "PT4M13S" → 253, "P1DT2H" → 93600, "P0D" → 0. Throws on anything else. */
export function isoDurationToSeconds(iso: string): number {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) throw new Error(`not an ISO 8601 duration: ${iso}`);
  const n = (i: number): number => Number(m[i] ?? 0);
  return n(1) * 604800 + n(2) * 86400 + n(3) * 3600 + n(4) * 60 + n(5);
}

/** The API's timestamp format: no milliseconds. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface LibraryInit {
  channel: Channel;
  playlists?: Playlist[];
  likes?: Item[];
  videos?: Video[];
  subscriptions?: Subscription[];
  seed?: number;
}

export class Library {
  channel: Channel;
  /** In the order `playlists.list mine=true` returns them (newest first). */
  playlists: Playlist[];
  /** The Liked videos list: served by playlistItems.list?playlistId=LL, never by playlists.list. */
  likes: Playlist;
  videos = new Map<string, Video>();
  /** In no particular order: subscriptions.list sorts them as asked (see subscriptions.ts). */
  subscriptions: Subscription[];
  /** playlistItem or video id → how the API serves it out of shape (see malform). */
  readonly malformed = new Map<string, Set<Malformation>>();
  /** Playlists whose items the API refuses every time (see refuseItems). */
  readonly refusing = new Map<string, Refusal>();
  /** Available videos that videos.list leaves out all the same (see hideFromVideosList). */
  readonly leftOutOfVideosList = new Set<string>();
  likesAnswer: LikesAnswer = 'LL';
  /** False: a Google account without a YouTube channel (channels.list mine=true finds none). */
  hasChannel = true;
  /** subscriptions.list mine=true answers 403 subscriptionForbidden while set. */
  refuseSubscriptions = false;
  /** Bumped on every mutation. */
  version = 0;
  private readonly rng: Rng;
  /** Deterministic clock for timestamps of mutations (one minute per tick). */
  private clock = Date.parse('2025-06-01T12:00:00Z');

  constructor(init: LibraryInit) {
    this.channel = init.channel;
    this.playlists = init.playlists ?? [];
    this.likes = {
      id: LIKES_ID, title: 'Liked videos', description: '', privacyStatus: 'private',
      publishedAt: init.channel.publishedAt, items: init.likes ?? [],
    };
    for (const v of init.videos ?? []) this.videos.set(v.id, v);
    this.subscriptions = init.subscriptions ?? [];
    this.rng = new Rng((init.seed ?? 1) ^ 0x5eed);
  }

  get uploadsPlaylistId(): string {
    return 'UU' + this.channel.id.slice(2);
  }

  /** Any playlist by id, including LL. */
  getPlaylist(id: string): Playlist | undefined {
    if (id === LIKES_ID) return this.likes;
    return this.playlists.find((p) => p.id === id);
  }

  getVideo(id: string): Video | undefined {
    return this.videos.get(id);
  }

  now(): string {
    this.clock += 60_000;
    return isoSeconds(this.clock);
  }

  // ---- mutations -------------------------------------------------------------------------

  /** Adds a playlist; by default at the front (newest first, as playlists.list orders them). */
  addPlaylist(partial: Partial<Playlist> & { at?: number } = {}): string {
    const { at, ...rest } = partial;
    const p: Playlist = {
      id: makePlaylistId(this.rng), title: `New playlist ${this.version + 1}`, description: '',
      privacyStatus: 'private', publishedAt: this.now(), items: [], ...rest,
    };
    if (this.getPlaylist(p.id)) throw new Error(`playlist ${p.id} exists`);
    this.playlists.splice(clampIndex(at ?? 0, this.playlists.length), 0, p);
    this.version++;
    return p.id;
  }

  deletePlaylist(id: string): void {
    const i = this.playlists.findIndex((p) => p.id === id);
    if (i < 0) throw new Error(`no playlist ${id}`);
    this.playlists.splice(i, 1);
    this.version++;
  }

  renamePlaylist(id: string, title: string): void {
    this.mustPlaylist(id).title = title;
    this.version++;
  }

  updatePlaylist(id: string, patch: Partial<Omit<Playlist, 'id' | 'items'>>): void {
    Object.assign(this.mustPlaylist(id), patch);
    this.version++;
  }

  /**
   * Adds a video to a playlist at `at` (default: the end; for LL the front, since a new
   * like shows up first). Returns the new playlistItem id.
   */
  addItem(playlistId: string, videoId: string, at?: number): string {
    const p = this.mustPlaylist(playlistId);
    if (!this.videos.has(videoId)) throw new Error(`no video ${videoId}`);
    const item: Item = { id: this.newItemId(playlistId), videoId, addedAt: this.now() };
    const idx = at ?? (playlistId === LIKES_ID ? 0 : p.items.length);
    p.items.splice(clampIndex(idx, p.items.length), 0, item);
    this.version++;
    return item.id;
  }

  removeItem(playlistId: string, itemId: string): void {
    const p = this.mustPlaylist(playlistId);
    const i = p.items.findIndex((it) => it.id === itemId);
    if (i < 0) throw new Error(`no item ${itemId} in ${playlistId}`);
    p.items.splice(i, 1);
    this.version++;
  }

  moveItem(playlistId: string, itemId: string, newIndex: number): void {
    const p = this.mustPlaylist(playlistId);
    const i = p.items.findIndex((it) => it.id === itemId);
    if (i < 0) throw new Error(`no item ${itemId} in ${playlistId}`);
    const [item] = p.items.splice(i, 1);
    p.items.splice(clampIndex(newIndex, p.items.length), 0, item as Item);
    this.version++;
  }

  addVideo(partial: Partial<Video> = {}): string {
    const v: Video = {
      id: makeVideoId(this.rng), title: `Video ${this.videos.size + 1}`, description: '',
      channelId: this.channel.id, channelTitle: this.channel.title, publishedAt: this.now(),
      duration: 'PT3M30S', status: 'public', liveBroadcast: 'none', ...partial,
    };
    if (this.videos.has(v.id)) throw new Error(`video ${v.id} exists`);
    this.videos.set(v.id, v);
    this.version++;
    return v.id;
  }

  /** The video stays in playlists, shown as "Deleted video" (as on YouTube). */
  deleteVideo(id: string): void {
    this.mustVideo(id).status = 'deleted';
    this.version++;
  }

  makePrivate(id: string): void {
    this.mustVideo(id).status = 'private';
    this.version++;
  }

  restoreVideo(id: string, status: 'public' | 'unlisted' = 'public'): void {
    this.mustVideo(id).status = status;
    this.version++;
  }

  renameVideo(id: string, title: string): void {
    this.mustVideo(id).title = title;
    this.version++;
  }

  updateVideo(id: string, patch: Partial<Omit<Video, 'id'>>): void {
    Object.assign(this.mustVideo(id), patch);
    this.version++;
  }

  /** Subscribes to a channel (a new one unless `channel` says otherwise); returns the channel id. */
  subscribe(channel: Partial<SubscribedChannel> = {}): string {
    const c: SubscribedChannel = { id: makeChannelId(this.rng), title: `New channel ${this.version + 1}`, description: '', videoCount: 12, ...channel };
    if (this.subscriptions.some((s) => s.channel.id === c.id)) throw new Error(`already subscribed to ${c.id}`);
    this.subscriptions.push({ id: makeSubscriptionId(this.rng), channel: c, subscribedAt: this.now() });
    this.version++;
    return c.id;
  }

  unsubscribe(channelId: string): void {
    const i = this.subscriptions.findIndex((s) => s.channel.id === channelId);
    if (i < 0) throw new Error(`not subscribed to ${channelId}`);
    this.subscriptions.splice(i, 1);
    this.version++;
  }

  /** The new name shows in the subscription and in the channel's videos. */
  renameChannel(channelId: string, title: string): void {
    this.mustSubscription(channelId).channel.title = title;
    for (const v of this.videos.values()) if (v.channelId === channelId) v.channelTitle = title;
    this.version++;
  }

  /** The channel is closed or terminated: its subscription is still counted, never returned. */
  closeChannel(channelId: string): void {
    this.mustSubscription(channelId).gone = true;
    this.version++;
  }

  /**
   * From now on, the playlist item, video, playlist or channel with this id is served malformed
   * (by playlistItems.list, videos.list, playlists.list or channels.list). The ground truth is
   * unchanged: it is still there, the API just describes it badly.
   */
  malform(id: string, kind: Malformation): void {
    const isItem = [...this.playlists, this.likes].some((p) => p.items.some((it) => it.id === id));
    const exists = isItem || this.videos.has(id) || this.playlists.some((p) => p.id === id) || id === this.channel.id;
    if (!exists) throw new Error(`no item, video, playlist or channel ${id}`);
    if ((kind === 'noVideoId' || kind === 'noId') && !isItem) throw new Error(`${kind} applies to playlist items`);
    const kinds = this.malformed.get(id) ?? new Set<Malformation>();
    kinds.add(kind);
    this.malformed.set(id, kinds);
    this.version++;
  }

  /**
   * From now on playlistItems.list refuses this playlist (403 playlistItemsNotAccessible or 404
   * playlistNotFound) while playlists.list keeps listing it. `undefined` lifts the refusal.
   */
  refuseItems(playlistId: string, how: Refusal | undefined): void {
    this.mustPlaylist(playlistId);
    if (how === undefined) this.refusing.delete(playlistId);
    else this.refusing.set(playlistId, how);
    this.version++;
  }

  /**
   * videos.list leaves this available video out (it does so for private ones anyway; recordings
   * show it is no proof of anything), while playlist items keep showing it in full.
   */
  hideFromVideosList(videoId: string): void {
    this.mustVideo(videoId);
    this.leftOutOfVideosList.add(videoId);
    this.version++;
  }

  /** Whether playlistItems.list LL returns this item: the Liked list hides private videos. */
  isHiddenLike(item: Item): boolean {
    return this.videos.get(item.videoId)?.status === 'private';
  }

  // ---- ground truth ----------------------------------------------------------------------

  /**
   * What a correct, complete sync must have stored right now: what the API shows, which is not
   * always the whole truth (the Liked list hides private videos; videos.list leaves some out).
   */
  expectedMirror(): ExpectedMirror {
    const items: ExpectedMirror['items'] = {};
    const pagedSizes: ExpectedMirror['pagedSizes'] = {};
    const referenced = new Set<string>();
    const lists = this.likesAnswer === 'LL' ? [...this.playlists, this.likes] : this.playlists;
    for (const p of lists) {
      pagedSizes[p.id] = p.items.length;
      const visible = p.items.map((it, position) => ({ it, position })).filter(({ it }) => p !== this.likes || !this.isHiddenLike(it));
      items[p.id] = visible.map(({ it, position }) => {
        referenced.add(it.videoId);
        return { itemId: it.id, videoId: it.videoId, position };
      });
    }
    const availableVideos: Record<string, ExpectedVideo> = {};
    const unavailable: string[] = [];
    for (const id of referenced) {
      const v = this.videos.get(id);
      if (!v || v.status === 'deleted' || v.status === 'private' || this.leftOutOfVideosList.has(id)) {
        unavailable.push(id);
        continue;
      }
      availableVideos[id] = {
        title: v.title, description: v.description, channelId: v.channelId, channelTitle: v.channelTitle,
        publishedAt: v.publishedAt, durationSeconds: v.duration === null ? null : isoDurationToSeconds(v.duration),
        privacyStatus: v.status,
      };
    }
    return {
      channel: { id: this.channel.id, title: this.channel.title },
      likesPlaylistId: this.likesAnswer === 'LL' ? LIKES_ID : null,
      playlists: this.playlists.map((p) => ({
        id: p.id, title: p.title, description: p.description, privacyStatus: p.privacyStatus, itemCount: p.items.length,
      })),
      items,
      pagedSizes,
      availableVideos,
      unavailableVideoIds: unavailable.sort(),
      subscriptions: expectedSubscriptions(this.subscriptions),
      subscriptionsPaged: this.subscriptions.length,
    };
  }

  /** Distinct video ids referenced by any live item (playlists and LL). */
  referencedVideoIds(): string[] {
    const s = new Set<string>();
    for (const p of [...this.playlists, this.likes]) for (const it of p.items) s.add(it.videoId);
    return [...s];
  }

  // ---- helpers ---------------------------------------------------------------------------

  newItemId(playlistId: string): string {
    for (;;) {
      const id = makePlaylistItemId(this.rng, playlistId);
      if (!this.hasItemId(id)) return id;
    }
  }

  private hasItemId(id: string): boolean {
    return [...this.playlists, this.likes].some((p) => p.items.some((it) => it.id === id));
  }

  private mustPlaylist(id: string): Playlist {
    const p = this.getPlaylist(id);
    if (!p) throw new Error(`no playlist ${id}`);
    return p;
  }

  private mustSubscription(channelId: string): Subscription {
    const s = this.subscriptions.find((x) => x.channel.id === channelId);
    if (!s) throw new Error(`not subscribed to ${channelId}`);
    return s;
  }

  private mustVideo(id: string): Video {
    const v = this.videos.get(id);
    if (!v) throw new Error(`no video ${id}`);
    return v;
  }
}

function clampIndex(i: number, len: number): number {
  return Math.max(0, Math.min(len, Math.trunc(i)));
}

export { generateLibrary, type GenerateLibraryOptions } from './generate-library.js';
