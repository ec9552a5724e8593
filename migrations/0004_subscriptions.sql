-- Subscriptions are mirrored like playlists (a row per channel, removed_at when a consistent read
-- no longer sees it); report_deliveries remembers which pull reports reached the notification URL,
-- so that one that failed is sent with the next report.
CREATE TABLE "report_deliveries" (
	"id" serial PRIMARY KEY NOT NULL,
	"outcome" text NOT NULL,
	"first_run_id" integer,
	"last_run_id" integer NOT NULL,
	"window_from" timestamp with time zone,
	"window_to" timestamp with time zone NOT NULL,
	"destination" text NOT NULL,
	"error" text,
	"document" jsonb,
	"attempted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" serial PRIMARY KEY NOT NULL,
	"channel_youtube_id" text NOT NULL,
	"youtube_id" text NOT NULL,
	"title" text,
	"description" text,
	"thumbnail_url" text,
	"subscribed_at" timestamp with time zone,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"resubscribed_at" timestamp with time zone,
	"removed_at" timestamp with time zone,
	CONSTRAINT "subscriptions_channel_youtube_id_unique" UNIQUE("channel_youtube_id")
);
