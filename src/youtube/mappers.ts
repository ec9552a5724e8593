import type { youtube_v3 } from '@googleapis/youtube';
import { isoDurationToSeconds } from './duration.js';
import type { ChannelRecord, ItemRecord, Part, Placeholder, PlaylistRecord, SubscriptionRecord, VideoRecord } from './records.js';

type Thumbnails = youtube_v3.Schema$ThumbnailDetails | null | undefined;

/**
 * The largest thumbnail there is: many videos stop at `standard` or `high` (no `maxres`),
 * placeholders have `{}` and some items none at all.
 */
function bestThumbnail(thumbnails: Thumbnails): string | null {
  if (!thumbnails) return null;
  for (const size of ['maxres', 'standard', 'high', 'medium', 'default'] as const) {
    const url = thumbnails[size]?.url;
    if (url) return url;
  }
  return null;
}

function date(value: string | null | undefined): Date | null {
  if (!value) return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

/** Postgres text cannot hold NUL; everything else (emoji, 10,000 characters) is kept as is. */
function text(value: string | null | undefined): string | null {
  return value == null ? null : value.replaceAll('\u0000', '');
}

/** The parts of `item` an answer left out, if any (as a record's `missingParts`). */
function missing(item: Partial<Record<Part, unknown>>, parts: readonly Part[]): { missingParts?: Part[] } {
  const missingParts = parts.filter((part) => !item[part]);
  return missingParts.length > 0 ? { missingParts } : {};
}

export function toChannel(item: youtube_v3.Schema$Channel): ChannelRecord {
  return {
    channelId: item.id ?? '',
    ...missing(item, ['snippet', 'contentDetails']),
    title: text(item.snippet?.title),
    likesPlaylistId: item.contentDetails?.relatedPlaylists?.likes || null,
  };
}

export function toPlaylist(item: youtube_v3.Schema$Playlist): PlaylistRecord | null {
  if (!item.id) return null;
  return {
    youtubeId: item.id,
    ...missing(item, ['snippet', 'status', 'contentDetails']),
    title: text(item.snippet?.title),
    description: text(item.snippet?.description),
    privacyStatus: item.status?.privacyStatus ?? null,
    itemCount: item.contentDetails?.itemCount ?? null,
    thumbnailUrl: bestThumbnail(item.snippet?.thumbnails),
    publishedAt: date(item.snippet?.publishedAt),
    etag: item.etag ?? null,
  };
}

/**
 * How a playlist item shows a video it no longer lets you see. A real video may be titled
 * "Deleted video", so the title alone is not evidence: placeholders also lack the video's
 * publish date and its owner.
 */
function placeholderOf(item: youtube_v3.Schema$PlaylistItem): Placeholder | null {
  const snippet = item.snippet;
  const hidden = !item.contentDetails?.videoPublishedAt && !snippet?.videoOwnerChannelId;
  if (!hidden) return null;
  if (snippet?.title === 'Private video' || item.status?.privacyStatus === 'private') return 'private';
  if (snippet?.title === 'Deleted video' || item.status?.privacyStatus === 'privacyStatusUnspecified') return 'deleted';
  return null;
}

/** `offset` is the item's index in the whole list, used when the API leaves out `position`. */
export function toItem(item: youtube_v3.Schema$PlaylistItem, offset: number): ItemRecord | null {
  const videoId = item.contentDetails?.videoId ?? item.snippet?.resourceId?.videoId;
  if (!item.id || !videoId) return null;
  const placeholder = placeholderOf(item);
  return {
    youtubeId: item.id,
    videoYoutubeId: videoId,
    position: item.snippet?.position ?? offset,
    addedAt: date(item.snippet?.publishedAt),
    placeholder,
    title: placeholder ? null : text(item.snippet?.title),
    channelId: placeholder ? null : (item.snippet?.videoOwnerChannelId ?? null),
    channelTitle: placeholder ? null : text(item.snippet?.videoOwnerChannelTitle),
    publishedAt: placeholder ? null : date(item.contentDetails?.videoPublishedAt),
    thumbnailUrl: placeholder ? null : bestThumbnail(item.snippet?.thumbnails),
  };
}

export function toVideo(item: youtube_v3.Schema$Video): VideoRecord | null {
  if (!item.id) return null;
  return {
    youtubeId: item.id,
    ...missing(item, ['snippet', 'contentDetails', 'status']),
    title: text(item.snippet?.title),
    description: text(item.snippet?.description),
    channelId: item.snippet?.channelId ?? null,
    channelTitle: text(item.snippet?.channelTitle),
    publishedAt: date(item.snippet?.publishedAt),
    durationSeconds: isoDurationToSeconds(item.contentDetails?.duration),
    privacyStatus: item.status?.privacyStatus ?? null,
    thumbnailUrl: bestThumbnail(item.snippet?.thumbnails),
    etag: item.etag ?? null,
  };
}

/** A subscription without the channel it is to says nothing worth keeping: skipped. */
export function toSubscription(item: youtube_v3.Schema$Subscription): SubscriptionRecord | null {
  const channelId = item.snippet?.resourceId?.channelId;
  if (!item.id || !channelId) return null;
  return {
    youtubeId: item.id,
    channelId,
    title: text(item.snippet?.title),
    description: text(item.snippet?.description),
    thumbnailUrl: bestThumbnail(item.snippet?.thumbnails),
    subscribedAt: date(item.snippet?.publishedAt),
  };
}
