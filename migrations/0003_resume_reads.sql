-- Page tokens are offsets: a list is trusted only when read in one go. Resume points now say
-- how a finished read ended; the playlist etag baseline goes (YouTube need not move a
-- playlist's etag when only its items change).
ALTER TABLE "sync_state" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "sync_state" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "sync_state" DROP COLUMN "playlist_etag";