/** What the sync keeps of each API object: plain values, ready for the database. */

/** The parts ytsync asks for; each one carries some of an object's columns. */
export type Part = 'snippet' | 'contentDetails' | 'status';

export interface PlaylistRecord {
  youtubeId: string;
  /** Parts the answer left out (a sane answer never does): their columns are unknown, not empty. */
  missingParts?: Part[];
  title: string | null;
  description: string | null;
  privacyStatus: string | null;
  itemCount: number | null;
  thumbnailUrl: string | null;
  publishedAt: Date | null;
  etag: string | null;
}

/** Deleted and private videos appear in playlists as placeholders that hide what they were. */
export type Placeholder = 'deleted' | 'private';

export interface ItemRecord {
  youtubeId: string;
  videoYoutubeId: string;
  position: number | null;
  addedAt: Date | null;
  placeholder: Placeholder | null;
  /**
   * What the item tells of its video (null for placeholders): kept as the fallback for a video
   * that videos.list leaves out, never overwriting a known value.
   */
  title: string | null;
  channelId: string | null;
  channelTitle: string | null;
  /** contentDetails.videoPublishedAt: when the video was published (not when it was added). */
  publishedAt: Date | null;
  thumbnailUrl: string | null;
}

export interface VideoRecord {
  youtubeId: string;
  /**
   * Parts the answer left out for this video (a sane answer never does): their columns are
   * unknown, not empty, so the stored values are kept.
   */
  missingParts?: Part[];
  title: string | null;
  description: string | null;
  channelId: string | null;
  channelTitle: string | null;
  publishedAt: Date | null;
  durationSeconds: number | null;
  privacyStatus: string | null;
  thumbnailUrl: string | null;
  etag: string | null;
}

export interface ChannelRecord {
  channelId: string;
  /** As for playlists: a part left out says nothing about its columns. */
  missingParts?: Part[];
  title: string | null;
  /** The Liked videos list ("LL"), absent when the account hides it. */
  likesPlaylistId: string | null;
}

/** A channel the account subscribes to (subscriptions.list mine=true). */
export interface SubscriptionRecord {
  /** The subscription's own id: what a read of the list sees (a new one after subscribing again). */
  youtubeId: string;
  /** snippet.resourceId.channelId: the channel subscribed to, the mirror's key. */
  channelId: string;
  title: string | null;
  description: string | null;
  thumbnailUrl: string | null;
  /** snippet.publishedAt: when the account subscribed. */
  subscribedAt: Date | null;
}
