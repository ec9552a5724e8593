-- History without touching the sync engine: every UPDATE of a video that changes what a user
-- would recognise it by (title, description, channel, privacy) or whether it can be watched
-- keeps the OLD values in video_revisions, stamped with the transaction time.
-- A column's first fill (NULL -> value, e.g. the videos pass adding the description to a row
-- the items pass created) is not a change and writes nothing; neither does an upsert that
-- changes nothing (the WHEN clause is checked before the function is called).
CREATE FUNCTION "ytsync_keep_video_revision"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "video_revisions" ("video_id", "title", "description", "channel_id", "channel_title",
                                 "privacy_status", "unavailable_reason", "unavailable_since", "seen_at")
  VALUES (OLD."id", OLD."title", OLD."description", OLD."channel_id", OLD."channel_title",
          OLD."privacy_status", OLD."unavailable_reason", OLD."unavailable_since", now());
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "videos_keep_revision"
AFTER UPDATE ON "videos"
FOR EACH ROW
WHEN (
     (OLD."title" IS NOT NULL AND OLD."title" IS DISTINCT FROM NEW."title")
  OR (OLD."description" IS NOT NULL AND OLD."description" IS DISTINCT FROM NEW."description")
  OR (OLD."channel_id" IS NOT NULL AND OLD."channel_id" IS DISTINCT FROM NEW."channel_id")
  OR (OLD."channel_title" IS NOT NULL AND OLD."channel_title" IS DISTINCT FROM NEW."channel_title")
  OR (OLD."privacy_status" IS NOT NULL AND OLD."privacy_status" IS DISTINCT FROM NEW."privacy_status")
  OR OLD."unavailable_reason" IS DISTINCT FROM NEW."unavailable_reason"
)
EXECUTE FUNCTION "ytsync_keep_video_revision"();
