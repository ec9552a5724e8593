CREATE TABLE "video_revisions" (
	"id" serial PRIMARY KEY NOT NULL,
	"video_id" integer NOT NULL,
	"title" text,
	"description" text,
	"channel_id" text,
	"channel_title" text,
	"privacy_status" text,
	"unavailable_reason" text,
	"unavailable_since" timestamp with time zone,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "video_revisions" ADD CONSTRAINT "video_revisions_video_id_videos_id_fk" FOREIGN KEY ("video_id") REFERENCES "public"."videos"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "video_revisions_video_idx" ON "video_revisions" USING btree ("video_id","seen_at");--> statement-breakpoint
CREATE INDEX "video_revisions_seen_at_idx" ON "video_revisions" USING btree ("seen_at");