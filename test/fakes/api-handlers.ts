/**
 * The list methods ytsync uses (channels, playlists, playlistItems, videos, subscriptions), each a
 * pure function of (library, query, quirks) → response body, throwing ApiError for Google's 4xx.
 */
import { createHash } from 'node:crypto';
import {
  ALLOWED_PARTS, etagOf, isAvailable, listBody, malformed, paginate, parseMaxResults, parseParts, project,
  channelResource, playlistItemResource, playlistResource, videoResource, type EtagStyle, type Json, type PlaylistEtagMode,
} from './api-resources.js';
import { apiErrors } from './google-errors.js';
import { LIKES_ID, type Item, type Library, type Playlist } from './library.js';
import { alphabetical, reshuffled, subscriptionResource, type Subscription } from './subscriptions.js';

/** How the emulator answers where the real API's behaviour varies or is unknown. */
export interface Quirks {
  etagStyle: EtagStyle;
  playlistEtags: PlaylistEtagMode;
}

export interface HandlerContext {
  lib: Library;
  query: Record<string, string>;
  quirks: Quirks;
  /** Non-empty when playlistItems etags are 'volatile': mixed into every etag. */
  playlistItemsSalt?: string;
  /** Non-empty when subscriptions etags are 'volatile'. */
  subscriptionsSalt?: string;
  /** The request's sequence number: orders YouTube does not define differ from call to call. */
  call?: number;
}

export type Handler = (ctx: HandlerContext) => Json;

function splitIds(raw: string): string[] {
  const ids = [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean))];
  if (ids.length > 50) throw apiErrors.tooManyIds();
  return ids;
}

const channels: Handler = ({ lib, query, quirks }) => {
  const parts = parseParts(query.part, ALLOWED_PARTS.channels);
  const maxResults = parseMaxResults(query.maxResults);
  let found: boolean;
  if (query.mine === 'true') found = lib.hasChannel;
  else if (query.id !== undefined) found = splitIds(query.id).includes(lib.channel.id);
  else throw apiErrors.noFilter('categoryId, forHandle, forUsername, id, managedByMe, mine');
  const items = found ? [malformed(channelResource(lib), lib.malformed.get(lib.channel.id))].map((full) => project(full, parts, etagOf(full, quirks.etagStyle))) : [];
  return listBody('channels', items, { totalResults: items.length, resultsPerPage: maxResults }, { style: quirks.etagStyle });
};

const playlists: Handler = ({ lib, query, quirks }) => {
  const parts = parseParts(query.part, ALLOWED_PARTS.playlists);
  const maxResults = parseMaxResults(query.maxResults);
  const render = (p: Playlist): Json => {
    const { full, etag } = playlistResource(lib, p, quirks.playlistEtags, quirks.etagStyle);
    return project(malformed(full, lib.malformed.get(p.id)), parts, etag);
  };
  if (query.id !== undefined) {
    // By id: the ones that exist, in the order asked; LL is not a "real" playlist here.
    const ids = splitIds(query.id);
    const found = ids.map((id) => lib.playlists.find((p) => p.id === id)).filter((p): p is Playlist => p !== undefined);
    return listBody('playlists', found.map(render), { totalResults: found.length, resultsPerPage: maxResults }, { style: quirks.etagStyle });
  }
  let all: Playlist[];
  if (query.mine === 'true') all = lib.playlists; // never includes LL, WL, HL or uploads
  else if (query.channelId !== undefined) all = query.channelId === lib.channel.id ? lib.playlists.filter((p) => p.privacyStatus === 'public') : [];
  else throw apiErrors.noFilter('channelId, id, mine');
  const page = paginate(all, maxResults, query.pageToken);
  return listBody('playlists', page.items.map(render), { ...page, totalResults: all.length, resultsPerPage: maxResults }, { style: quirks.etagStyle });
};

/** The uploads list is virtual: the account's own videos, newest first. */
function uploadsPlaylist(lib: Library): Playlist {
  const mine = [...lib.videos.values()]
    .filter((v) => v.channelId === lib.channel.id && v.status !== 'deleted')
    .sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : -1));
  const items: Item[] = mine.map((v) => ({
    id: Buffer.from(`${lib.uploadsPlaylistId}.${createHash('sha1').update(v.id).digest('hex').slice(0, 16).toUpperCase()}`).toString('base64'),
    videoId: v.id,
    addedAt: v.publishedAt,
  }));
  return { id: lib.uploadsPlaylistId, title: 'Uploads', description: '', privacyStatus: 'public', publishedAt: lib.channel.publishedAt, items };
}

/**
 * Pages are cut from the whole list, hidden items included, and then the hidden ones are
 * dropped: the Liked list's pages come back short of maxResults, its positions have gaps, and
 * its totalResults counts private videos it never returns (recorded: 28 reported, 10 returned).
 */
const playlistItems: Handler = ({ lib, query, quirks, playlistItemsSalt }) => {
  const parts = parseParts(query.part, ALLOWED_PARTS.playlistItems);
  const maxResults = parseMaxResults(query.maxResults);
  const playlistId = query.playlistId;
  if (playlistId === undefined) throw apiErrors.noFilter('id, playlistId');
  let all: Item[];
  let hidden = (_: Item) => false;
  if (playlistId === 'WL' || playlistId === 'HL') all = []; // exist, but unreadable through the API
  else if (playlistId === lib.uploadsPlaylistId) all = uploadsPlaylist(lib).items;
  else {
    const p = playlistId === LIKES_ID ? lib.likes : lib.getPlaylist(playlistId);
    if (!p) throw apiErrors.playlistNotFound();
    const refusal = lib.refusing.get(playlistId);
    if (refusal === 'notFound') throw apiErrors.playlistNotFound();
    if (refusal === 'notAccessible') throw apiErrors.playlistItemsNotAccessible();
    all = p.items;
    if (p === lib.likes) hidden = (it) => lib.isHiddenLike(it);
  }
  const page = paginate(all, maxResults, query.pageToken);
  const items = page.items.flatMap((it, i) => {
    if (hidden(it)) return [];
    const full = malformed(playlistItemResource(lib, playlistId, it, page.offset + i), lib.malformed.get(it.id));
    return [project(full, parts, etagOf([full, playlistItemsSalt ?? null], quirks.etagStyle))];
  });
  return listBody('playlistItems', items, { ...page, totalResults: all.length, resultsPerPage: maxResults }, { salt: playlistItemsSalt, style: quirks.etagStyle });
};

const videos: Handler = ({ lib, query, quirks }) => {
  const parts = parseParts(query.part, ALLOWED_PARTS.videos);
  if (query.id === undefined) throw apiErrors.noFilter('chart, id, myRating');
  // The discovery document: maxResults "is not supported for use in conjunction with the id
  // parameter". What the real API does with both is unknown: refuse, the inconvenient answer.
  if (query.maxResults !== undefined) throw apiErrors.incompatibleParameters('id', 'maxResults');
  // Deleted and private videos (and some others) are silently left out: callers must diff.
  const found = splitIds(query.id).map((id) => lib.getVideo(id)).filter(isAvailable).filter((v) => !lib.leftOutOfVideosList.has(v.id));
  const items = found.map((v) => {
    const full = malformed(videoResource(v), lib.malformed.get(v.id));
    return project(full, parts, etagOf(full, quirks.etagStyle));
  });
  return listBody('videos', items, { totalResults: items.length, resultsPerPage: items.length }, { style: quirks.etagStyle });
};

/**
 * subscriptions.list: `mine=true` (or the account's own channelId) pages through every
 * subscription, closed channels included in the paging and in totalResults but never returned.
 * See subscriptions.ts for what is pessimistic here.
 */
const subscriptions: Handler = ({ lib, query, quirks, subscriptionsSalt, call }) => {
  const parts = parseParts(query.part, ALLOWED_PARTS.subscriptions);
  const maxResults = parseMaxResults(query.maxResults);
  const order = query.order ?? 'relevance';
  if (!['alphabetical', 'relevance', 'unread'].includes(order)) throw apiErrors.invalidEnum('order', order);
  const filters = ['mine', 'channelId', 'id', 'mySubscribers', 'myRecentSubscribers'].filter((f) => query[f] !== undefined);
  if (filters.length === 0) throw apiErrors.noFilter('channelId, id, mine, myRecentSubscribers, mySubscribers');
  if (filters.length > 1) throw apiErrors.incompatibleParameters(filters[0]!, filters[1]!);
  const subscriber = lib.channel;
  const render = (s: Subscription) => {
    const full = subscriptionResource(subscriber, s);
    return project(full, parts, etagOf(full, quirks.etagStyle));
  };
  let all: Subscription[];
  if ((query.mine === 'true' || query.channelId === subscriber.id) && lib.refuseSubscriptions) throw apiErrors.subscriptionForbidden();
  if (query.mine === 'true' || query.channelId === subscriber.id) all = lib.subscriptions;
  else if (query.channelId !== undefined) throw apiErrors.subscriptionForbidden();
  else if (query.id !== undefined) {
    const found = splitIds(query.id).map((id) => lib.subscriptions.find((s) => s.id === id && !s.gone)).filter((s): s is Subscription => s !== undefined);
    return listBody('subscriptions', found.map(render), { totalResults: found.length, resultsPerPage: maxResults }, { style: quirks.etagStyle });
  } else all = []; // mySubscribers, myRecentSubscribers: nobody subscribes to the test account
  const sorted = order === 'alphabetical' ? alphabetical(all) : reshuffled(all, call ?? 0);
  const page = paginate(sorted, maxResults, query.pageToken);
  const items = page.items.filter((s) => !s.gone).map(render);
  return listBody(
    'subscriptions',
    items,
    { ...page, totalResults: all.length, resultsPerPage: maxResults },
    { salt: subscriptionsSalt, style: quirks.etagStyle },
  );
};

export const handlers: Record<string, Handler> = { channels, playlists, playlistItems, videos, subscriptions };
