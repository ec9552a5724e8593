import { createHash } from 'node:crypto';
import type { youtube_v3 } from '@googleapis/youtube';
import type { OAuth2Client } from 'google-auth-library';
import { AuthError, YtsyncError, ExitCode } from '../errors.js';
import { backoffDelay, sleep, type BackoffPolicy } from './backoff.js';
import type { EtagStore, PageDigest } from './etag-store.js';
import { classify, isTokenEndpointFailure } from './failures.js';
import { toChannel, toItem, toPlaylist, toSubscription, toVideo } from './mappers.js';
import type { QuotaMeter } from './quota-meter.js';
import type { ChannelRecord, ItemRecord, PlaylistRecord, SubscriptionRecord, VideoRecord } from './records.js';

/** YouTube refused for quota: the run stops cleanly and the next pull continues. */
export class QuotaExhausted extends Error {
  constructor(readonly reason: string) {
    super(`YouTube says the daily quota is spent (${reason})`);
  }
}

/**
 * 404 from a list call, e.g. playlistNotFound: the playlist is gone — or, as recordings show,
 * one that playlists.list still lists refuses its items this way.
 */
export class NotFound extends YtsyncError {
  constructor(what: string, readonly reason: string) {
    super(`${what} failed: ${reason}`, ExitCode.failure);
  }
}

/**
 * A 403 that is not about quota or rate (playlistItemsNotAccessible, forbidden…): YouTube won't
 * let this account read this one thing. Where one list can be skipped, callers catch it.
 */
export class Refused extends YtsyncError {
  constructor(what: string, readonly reason: string) {
    super(`${what} failed: ${reason}`, ExitCode.failure);
  }
}

/** The API no longer accepts a page token: the pass must start over. */
export class InvalidPageToken extends Error {}

/** One page of a list. `records` is null after a 304: the mirror already holds the rows. */
export interface ListPage<R> extends PageDigest {
  requestKey: string;
  etag: string | null;
  records: R[] | null;
}

export interface YouTubeClientDeps {
  api: youtube_v3.Youtube;
  oauth: OAuth2Client;
  meter: QuotaMeter;
  /** Where list pages' etags are kept; without one, requests carry no If-None-Match. */
  etags?: EtagStore;
  backoff: BackoffPolicy;
  /** Aborts backoff waits on Ctrl-C; requests in flight are left to finish. */
  signal: AbortSignal;
  tokenUrl: string;
  requestTimeoutMs?: number;
  onRetry?: (what: string, reason: string, attempt: number, delayMs: number) => void;
}

// Comma-joined single values: the client would repeat the parameter for an array.
const PARTS = 'snippet,contentDetails,status';
const PAGE_SIZE = 50; // the API's maximum for every list ytsync uses

interface Response<T> {
  status: number;
  data: T;
}
type ListResponse = { etag?: string | null; nextPageToken?: string | null; pageInfo?: { totalResults?: number | null } | null };

/**
 * The YouTube Data API as the sync needs it. This is the one layer that retries (gaxios'
 * own retries are off), so every attempt passes through the quota meter and is counted.
 */
export class YouTubeClient {
  constructor(private readonly deps: YouTubeClientDeps) {}

  async channelMine(): Promise<ChannelRecord | null> {
    const res = await this.call('channels.list', (options) =>
      this.deps.api.channels.list({ mine: true, part: ['snippet,contentDetails'] }, options),
    );
    const item = res.data.items?.[0];
    return item ? toChannel(item) : null;
  }

  async playlistsPage(pageToken: string | null): Promise<ListPage<PlaylistRecord>> {
    const requestKey = `playlists?mine=true&part=${PARTS}&pageToken=${pageToken ?? ''}`;
    return this.listPage(requestKey, 'playlists.list', toPlaylist, (options) =>
      this.deps.api.playlists.list(
        { mine: true, part: [PARTS], maxResults: PAGE_SIZE, pageToken: pageToken ?? undefined },
        options,
      ),
    );
  }

  /**
   * Current metadata (etag, itemCount, title…) of up to 50 playlists: one unit to learn whether
   * offsets moved. All parts cost the same unit, and the full record refreshes the mirror's row.
   */
  async playlistsById(ids: string[]): Promise<PlaylistRecord[]> {
    const res = await this.call('playlists.list', (options) =>
      this.deps.api.playlists.list({ id: [ids.join(',')], part: [PARTS] }, options),
    );
    return (res.data.items ?? []).map(toPlaylist).filter((p): p is PlaylistRecord => p !== null);
  }

  /** `offset` is the index of the page's first item in the list (for items without a position). */
  async playlistItemsPage(playlistId: string, pageToken: string | null, offset: number): Promise<ListPage<ItemRecord>> {
    const requestKey = `playlistItems?playlistId=${playlistId}&part=${PARTS}&pageToken=${pageToken ?? ''}`;
    return this.listPage(
      requestKey,
      'playlistItems.list',
      (item, index) => toItem(item, offset + index),
      (options) =>
        this.deps.api.playlistItems.list(
          { playlistId, part: [PARTS], maxResults: PAGE_SIZE, pageToken: pageToken ?? undefined },
          options,
        ),
    );
  }

  /**
   * The account's subscriptions, alphabetically: the default order ("relevance") is YouTube's
   * own and nothing says it holds from one page to the next, which offset tokens need.
   */
  async subscriptionsPage(pageToken: string | null): Promise<ListPage<SubscriptionRecord>> {
    const requestKey = `subscriptions?mine=true&order=alphabetical&part=snippet&pageToken=${pageToken ?? ''}`;
    return this.listPage(requestKey, 'subscriptions.list', toSubscription, (options) =>
      this.deps.api.subscriptions.list(
        { mine: true, order: 'alphabetical', part: ['snippet'], maxResults: PAGE_SIZE, pageToken: pageToken ?? undefined },
        options,
      ),
    );
  }

  /** Details of up to 50 videos; ids YouTube leaves out are deleted or private. */
  async videosByIds(ids: string[]): Promise<ListPage<VideoRecord>> {
    const digest = createHash('sha1').update(ids.join(',')).digest('hex');
    return this.listPage(`videos?part=${PARTS}&ids=${digest}`, 'videos.list', toVideo, (options) =>
      // No maxResults: the discovery document says it is not supported together with `id`.
      this.deps.api.videos.list({ id: [ids.join(',')], part: [PARTS] }, options),
    );
  }

  private async listPage<T extends { id?: string | null }, R extends { youtubeId: string }>(
    requestKey: string,
    what: string,
    map: (item: T, index: number) => R | null,
    send: (options: object) => Promise<Response<ListResponse & { items?: T[] }>>,
  ): Promise<ListPage<R>> {
    const cached = await this.deps.etags?.get(requestKey);
    const res = await this.call(what, send, cached?.etag);
    if (res.status === 304 && cached) {
      return { requestKey, etag: cached.etag, records: null, ...cached.digest };
    }
    const items = res.data.items ?? [];
    const records = items.map(map).filter((r): r is R => r !== null);
    return {
      requestKey,
      etag: res.data.etag ?? null,
      records,
      ids: items.map((item) => item.id).filter((id): id is string => typeof id === 'string' && id.length > 0),
      rawCount: items.length,
      nextPageToken: res.data.nextPageToken ?? null,
      totalResults: res.data.pageInfo?.totalResults ?? null,
    };
  }

  private async call<T>(what: string, send: (options: object) => Promise<Response<T>>, etag?: string): Promise<Response<T>> {
    const { meter, backoff, signal } = this.deps;
    let refreshedAfter401 = false;
    for (let attempt = 1; ; attempt++) {
      meter.claim();
      let response: Response<T>;
      try {
        response = await send({
          retry: false,
          timeout: this.deps.requestTimeoutMs ?? 60_000,
          headers: etag ? { 'If-None-Match': etag } : {},
        });
      } catch (error) {
        const failure = classify(error);
        const free = failure.kind === 'quota' || failure.kind === 'invalidGrant' || isTokenEndpointFailure(error, this.deps.tokenUrl);
        meter.settle(free ? 0 : 1);
        switch (failure.kind) {
          case 'quota':
            throw new QuotaExhausted(failure.reason);
          case 'invalidGrant':
            throw AuthError.tokenRejected();
          case 'notFound':
            throw new NotFound(what, failure.reason);
          case 'refused':
            throw new Refused(what, failure.reason);
          case 'unauthorized':
            if (refreshedAfter401) {
              throw new AuthError('YouTube refused a freshly refreshed access token. Run `ytsync login` again.');
            }
            refreshedAfter401 = true;
            // Forget the access token; the library refreshes before the next attempt.
            this.deps.oauth.setCredentials({ ...this.deps.oauth.credentials, access_token: null, expiry_date: 1 });
            continue;
          case 'invalidPageToken':
            // Google once served spurious invalidPageToken on large playlists; one retry helped.
            if (attempt >= 2) throw new InvalidPageToken(`${what}: invalid page token`);
            continue;
          case 'transient': {
            if (attempt >= backoff.maxAttempts) {
              throw new YtsyncError(
                `${what} kept failing (${failure.reason}) after ${attempt} attempts; progress is saved, run \`ytsync pull\` again later.`,
                ExitCode.failure,
              );
            }
            const delay = backoffDelay(backoff, attempt - 1, failure.retryAfterMs);
            this.deps.onRetry?.(what, failure.reason, attempt, delay);
            await sleep(delay, signal);
            continue;
          }
          case 'fatal':
            throw new YtsyncError(`${what} failed: ${failure.reason}`, ExitCode.failure);
        }
      }
      meter.settle(1);
      return response;
    }
  }
}
