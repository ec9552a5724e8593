CREATE TABLE "account" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"channel_id" text NOT NULL,
	"title" text,
	"likes_playlist_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "etag_cache" (
	"request_key" text PRIMARY KEY NOT NULL,
	"etag" text NOT NULL,
	"digest" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pass_seen" (
	"state_id" integer NOT NULL,
	"youtube_id" text NOT NULL,
	CONSTRAINT "pass_seen_state_id_youtube_id_pk" PRIMARY KEY("state_id","youtube_id")
);
--> statement-breakpoint
CREATE TABLE "playlist_videos" (
	"id" serial PRIMARY KEY NOT NULL,
	"youtube_id" text NOT NULL,
	"playlist_id" integer NOT NULL,
	"video_id" integer NOT NULL,
	"position" integer,
	"added_at" timestamp with time zone,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "playlist_videos_youtube_id_unique" UNIQUE("youtube_id")
);
--> statement-breakpoint
CREATE TABLE "playlists" (
	"id" serial PRIMARY KEY NOT NULL,
	"youtube_id" text NOT NULL,
	"kind" text DEFAULT 'playlist' NOT NULL,
	"title" text,
	"description" text,
	"privacy_status" text,
	"item_count" integer,
	"thumbnail_url" text,
	"published_at" timestamp with time zone,
	"etag" text,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"last_fetched" timestamp with time zone,
	"removed_at" timestamp with time zone,
	CONSTRAINT "playlists_youtube_id_unique" UNIQUE("youtube_id")
);
--> statement-breakpoint
CREATE TABLE "quota_usage" (
	"day" date PRIMARY KEY NOT NULL,
	"units" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"outcome" text DEFAULT 'running' NOT NULL,
	"invocations" integer DEFAULT 1 NOT NULL,
	"units_spent" integer DEFAULT 0 NOT NULL,
	"channel_id" text,
	"likes_playlist_id" text,
	"summary" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_state" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"pass" text NOT NULL,
	"playlist_youtube_id" text,
	"next_page_token" text,
	"items_fetched" integer DEFAULT 0 NOT NULL,
	"total_results" integer,
	"playlist_etag" text,
	"item_count" integer,
	"restarts" integer DEFAULT 0 NOT NULL,
	"done" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_state_pass_key" UNIQUE NULLS NOT DISTINCT("run_id","pass","playlist_youtube_id")
);
--> statement-breakpoint
CREATE TABLE "videos" (
	"id" serial PRIMARY KEY NOT NULL,
	"youtube_id" text NOT NULL,
	"title" text,
	"description" text,
	"channel_id" text,
	"channel_title" text,
	"published_at" timestamp with time zone,
	"duration_seconds" integer,
	"privacy_status" text,
	"thumbnail_url" text,
	"etag" text,
	"unavailable_reason" text,
	"unavailable_since" timestamp with time zone,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "videos_youtube_id_unique" UNIQUE("youtube_id")
);
--> statement-breakpoint
ALTER TABLE "pass_seen" ADD CONSTRAINT "pass_seen_state_id_sync_state_id_fk" FOREIGN KEY ("state_id") REFERENCES "public"."sync_state"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playlist_videos" ADD CONSTRAINT "playlist_videos_playlist_id_playlists_id_fk" FOREIGN KEY ("playlist_id") REFERENCES "public"."playlists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playlist_videos" ADD CONSTRAINT "playlist_videos_video_id_videos_id_fk" FOREIGN KEY ("video_id") REFERENCES "public"."videos"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_state" ADD CONSTRAINT "sync_state_run_id_sync_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."sync_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "playlist_videos_playlist_position_idx" ON "playlist_videos" USING btree ("playlist_id","position");--> statement-breakpoint
CREATE INDEX "playlist_videos_video_idx" ON "playlist_videos" USING btree ("video_id");