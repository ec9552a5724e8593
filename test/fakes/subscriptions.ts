/**
 * The account's subscriptions, as `subscriptions.list mine=true` serves them, and the ways they
 * change between two pulls: subscribe, unsubscribe, a channel renamed, a channel closed.
 *
 * Pessimistic where the real API's behaviour is unknown:
 * - `order` defaults to `relevance`, an order YouTube does not define: here it is reshuffled on
 *   every call, so a client that pages without `order=alphabetical` reads a list that moves;
 * - a subscription to a channel that was closed or terminated is still counted in
 *   `pageInfo.totalResults` but never returned (pages come back short, like the Liked list's);
 * - a new subscription gets a new subscription id, also when it is to a channel subscribed
 *   to before.
 */
import { createHash } from 'node:crypto';
import type { Json } from './api-resources.js';
import type { Rng } from './rng.js';

export interface SubscribedChannel {
  id: string;
  title: string;
  description: string;
  /** Videos the channel has (contentDetails.totalItemCount). */
  videoCount: number;
}

export interface Subscription {
  /** The subscription's own id (43 base64url characters, as real ones are). */
  id: string;
  channel: SubscribedChannel;
  /** snippet.publishedAt: when the account subscribed. */
  subscribedAt: string;
  /** The channel was closed or terminated: counted in totalResults, never returned. */
  gone?: boolean;
}

export interface ExpectedSubscription {
  subscriptionId: string;
  channelId: string;
  title: string;
  description: string;
  thumbnailUrl: string;
  subscribedAt: string;
}

export function makeSubscriptionId(rng: Rng): string {
  return rng.chars(43);
}

/** Channel avatars: yt3.ggpht.com URLs at 88, 240 and 800 pixels, without width and height. */
export function channelThumbnails(channelId: string): Json {
  const base = `https://yt3.ggpht.com/${createHash('sha1').update(channelId).digest('base64url').slice(0, 40)}`;
  const at = (size: number): Json => ({ url: `${base}=s${size}-c-k-c0x00ffffff-no-rj` });
  return { default: at(88), medium: at(240), high: at(800) };
}

/** `order=alphabetical`: by title, case-insensitive; the channel id breaks ties. */
export function alphabetical(list: readonly Subscription[]): Subscription[] {
  const key = (s: Subscription) => s.channel.title.toLocaleLowerCase('en-US');
  return [...list].sort((a, b) => key(a).localeCompare(key(b), 'en-US') || (a.channel.id < b.channel.id ? -1 : 1));
}

/** `order=relevance` (the default) and `unread`: an order of YouTube's choosing, different on every call. */
export function reshuffled(list: readonly Subscription[], call: number): Subscription[] {
  const rank = (s: Subscription) => createHash('sha1').update(`${s.id}/${call}`).digest().readUInt32BE(0);
  return [...list].sort((a, b) => rank(a) - rank(b));
}

export function subscriptionResource(subscriber: { id: string; title: string; description: string }, s: Subscription): Json {
  const c = s.channel;
  return {
    kind: 'youtube#subscription',
    id: s.id,
    snippet: {
      publishedAt: s.subscribedAt,
      title: c.title,
      description: c.description,
      resourceId: { kind: 'youtube#channel', channelId: c.id },
      channelId: subscriber.id,
      thumbnails: channelThumbnails(c.id),
    },
    contentDetails: { totalItemCount: c.videoCount, newItemCount: 0, activityType: 'all' },
    subscriberSnippet: {
      title: subscriber.title,
      description: subscriber.description,
      channelId: subscriber.id,
      thumbnails: channelThumbnails(subscriber.id),
    },
  };
}

/** What a correct mirror holds: every subscription the API returns (closed channels are not). */
export function expectedSubscriptions(list: readonly Subscription[]): ExpectedSubscription[] {
  return list
    .filter((s) => !s.gone)
    .map((s) => ({
      subscriptionId: s.id,
      channelId: s.channel.id,
      title: s.channel.title,
      description: s.channel.description,
      thumbnailUrl: (channelThumbnails(s.channel.id).high as { url: string }).url,
      subscribedAt: s.subscribedAt,
    }))
    .sort((a, b) => (a.channelId < b.channelId ? -1 : 1));
}
