import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Public tables (SPEC.md "Database"): names and columns here are a contract with users'
 * SQL. Add columns freely; never rename.
 */
export const playlists = pgTable('playlists', {
  id: serial('id').primaryKey(),
  youtubeId: text('youtube_id').notNull().unique(),
  /** 'playlist' for playlists.list results, 'likes' for the Liked videos list. */
  kind: text('kind').notNull().default('playlist'),
  title: text('title'),
  description: text('description'),
  privacyStatus: text('privacy_status'),
  itemCount: integer('item_count'),
  thumbnailUrl: text('thumbnail_url'),
  publishedAt: ts('published_at'),
  etag: text('etag'),
  firstSeen: ts('first_seen').notNull().defaultNow(),
  lastFetched: ts('last_fetched'),
  removedAt: ts('removed_at'),
});

export const videos = pgTable('videos', {
  id: serial('id').primaryKey(),
  youtubeId: text('youtube_id').notNull().unique(),
  title: text('title'),
  description: text('description'),
  channelId: text('channel_id'),
  channelTitle: text('channel_title'),
  publishedAt: ts('published_at'),
  durationSeconds: integer('duration_seconds'),
  privacyStatus: text('privacy_status'),
  thumbnailUrl: text('thumbnail_url'),
  etag: text('etag'),
  /** Why it is unavailable, by the evidence we had: 'deleted', 'private' or 'missing' (left out by videos.list). */
  unavailableReason: text('unavailable_reason'),
  unavailableSince: ts('unavailable_since'),
  firstSeen: ts('first_seen').notNull().defaultNow(),
  /** When details were last written: changes only when a value changed (no nightly churn). */
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const playlistVideos = pgTable(
  'playlist_videos',
  {
    id: serial('id').primaryKey(),
    /** The playlistItem id: the same video twice in a playlist is two rows. */
    youtubeId: text('youtube_id').notNull().unique(),
    playlistId: integer('playlist_id')
      .notNull()
      .references(() => playlists.id),
    videoId: integer('video_id')
      .notNull()
      .references(() => videos.id),
    position: integer('position'),
    addedAt: ts('added_at'),
    firstSeen: ts('first_seen').notNull().defaultNow(),
    removedAt: ts('removed_at'),
  },
  (t) => [index('playlist_videos_playlist_position_idx').on(t.playlistId, t.position), index('playlist_videos_video_idx').on(t.videoId)],
);

/**
 * The channels the account subscribes to (SPEC.md `subscriptions`), keyed by the channel: a
 * subscription that disappears keeps its row with `removed_at` (unsubscribed, or the channel is
 * gone: the API does not say which). Subscribing again clears `removed_at` and stamps
 * `resubscribed_at`; `first_seen` stays the first time ever.
 */
export const subscriptions = pgTable('subscriptions', {
  id: serial('id').primaryKey(),
  channelYoutubeId: text('channel_youtube_id').notNull().unique(),
  /** The subscription's own id, what a read of the list sees (new after subscribing again). */
  youtubeId: text('youtube_id').notNull(),
  title: text('title'),
  description: text('description'),
  thumbnailUrl: text('thumbnail_url'),
  /** snippet.publishedAt: since when the account subscribes. */
  subscribedAt: ts('subscribed_at'),
  firstSeen: ts('first_seen').notNull().defaultNow(),
  /** When a pull saw it come back after `removed_at`. */
  resubscribedAt: ts('resubscribed_at'),
  removedAt: ts('removed_at'),
});

/**
 * What a video was before a change (SPEC.md keeps only the last known state in `videos`): one
 * row per update that changed the title, description, channel, privacy or availability, holding
 * the OLD values, stamped with when the change was first seen. Written by a trigger on `videos`
 * (migrations/0002_history_triggers.sql), so every writer of the mirror keeps history without
 * knowing about it. The first fill of a column (NULL → value) is not a change.
 */
export const videoRevisions = pgTable(
  'video_revisions',
  {
    id: serial('id').primaryKey(),
    videoId: integer('video_id')
      .notNull()
      .references(() => videos.id),
    title: text('title'),
    description: text('description'),
    channelId: text('channel_id'),
    channelTitle: text('channel_title'),
    privacyStatus: text('privacy_status'),
    unavailableReason: text('unavailable_reason'),
    unavailableSince: ts('unavailable_since'),
    /** When the values above stopped being current (the update's transaction time). */
    seenAt: ts('seen_at').notNull().defaultNow(),
  },
  (t) => [index('video_revisions_video_idx').on(t.videoId, t.seenAt), index('video_revisions_seen_at_idx').on(t.seenAt)],
);

/** One logical sync; it may take several invocations (quota, Ctrl-C, kill -9) to finish. */
export const syncRuns = pgTable('sync_runs', {
  id: serial('id').primaryKey(),
  startedAt: ts('started_at').notNull().defaultNow(),
  finishedAt: ts('finished_at'),
  /** Outcome of the latest invocation: running | complete | quota | budget | interrupted | failed. */
  outcome: text('outcome').notNull().default('running'),
  invocations: integer('invocations').notNull().default(1),
  unitsSpent: integer('units_spent').notNull().default(0),
  channelId: text('channel_id'),
  likesPlaylistId: text('likes_playlist_id'),
  summary: jsonb('summary'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * Resume points (SPEC.md): one row per pass of the unfinished run, and per list (each playlist
 * and the Liked list) for the items pass. `next_page_token` is the token of the first page NOT
 * yet stored. Page tokens are offsets, so a list is trusted only when read in one go: a read
 * an earlier invocation left with a page token is read again from the start.
 */
export const syncState = pgTable(
  'sync_state',
  {
    id: serial('id').primaryKey(),
    runId: integer('run_id')
      .notNull()
      .references(() => syncRuns.id, { onDelete: 'cascade' }),
    pass: text('pass').notNull(),
    playlistYoutubeId: text('playlist_youtube_id'),
    nextPageToken: text('next_page_token'),
    itemsFetched: integer('items_fetched').notNull().default(0),
    /** pageInfo.totalResults of the last page (YouTube's count: it may include hidden items). */
    totalResults: integer('total_results'),
    /** The playlist's itemCount when the pass was planned (for status and the cost estimate). */
    itemCount: integer('item_count'),
    /** How often this list was read again from the start in this run (changed while read, or read across invocations). */
    restarts: integer('restarts').notNull().default(0),
    done: boolean('done').notNull().default(false),
    /**
     * How a finished read ended: 'complete' (consistent; what it did not see was marked removed),
     * 'unverified' (kept changing: stored, nothing marked removed), 'skipped' (YouTube refused its
     * items; stored rows left as they were), 'gone' (the playlist no longer exists).
     */
    outcome: text('outcome'),
    /** Why, for 'unverified' and 'skipped' (e.g. YouTube's error reason). */
    note: text('note'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [unique('sync_state_pass_key').on(t.runId, t.pass, t.playlistYoutubeId).nullsNotDistinct()],
);

/** Video ids the videos pass has asked for in this run: it resumes by id, not by offset. */
export const passSeen = pgTable(
  'pass_seen',
  {
    stateId: integer('state_id')
      .notNull()
      .references(() => syncState.id, { onDelete: 'cascade' }),
    youtubeId: text('youtube_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.stateId, t.youtubeId] })],
);

/** Units spent per quota day (America/Los_Angeles). Informs, never vetoes. */
export const quotaUsage = pgTable('quota_usage', {
  day: date('day', { mode: 'string' }).primaryKey(),
  units: integer('units').notNull().default(0),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * What a list request returned last time, keyed by the request: sent back as If-None-Match,
 * and on a 304 the digest (ids, next page token, totals) stands in for the body — the rows
 * themselves are already in the mirror.
 */
export const etagCache = pgTable('etag_cache', {
  requestKey: text('request_key').primaryKey(),
  etag: text('etag').notNull(),
  digest: jsonb('digest').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * Reports of what pulls saw leave, and whether they reached YOUR notification URL
 * (YTSYNC_NOTIFY_URL / --notify). One row per attempt, covering the complete runs between
 * `window_from` and `window_to`. A report that could not be delivered ('failed') keeps its
 * document here, and the next pull sends a report covering its window again: the next delivered
 * window starts where the last 'sent' (or 'nothing' to report) one ended.
 */
export const reportDeliveries = pgTable('report_deliveries', {
  id: serial('id').primaryKey(),
  /** 'sent' | 'failed' | 'nothing' (no departures in the window: no message). */
  outcome: text('outcome').notNull(),
  firstRunId: integer('first_run_id'),
  lastRunId: integer('last_run_id').notNull(),
  windowFrom: ts('window_from'),
  windowTo: ts('window_to').notNull(),
  /** The destination with its secrets removed (see notify/destination.ts). */
  destination: text('destination').notNull(),
  error: text('error'),
  /** The report (the `changes --json` document) of a delivery that failed. */
  document: jsonb('document'),
  attemptedAt: ts('attempted_at').notNull().defaultNow(),
});

/** The account the mirror belongs to (one row). */
export const account = pgTable('account', {
  id: integer('id').primaryKey().default(1),
  channelId: text('channel_id').notNull(),
  title: text('title'),
  likesPlaylistId: text('likes_playlist_id'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const schema = {
  playlists,
  videos,
  playlistVideos,
  videoRevisions,
  subscriptions,
  syncRuns,
  syncState,
  passSeen,
  quotaUsage,
  etagCache,
  reportDeliveries,
  account,
};
export type Schema = typeof schema;

export const now = sql`now()`;
