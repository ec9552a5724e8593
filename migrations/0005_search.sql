-- Offline search (`ytsync search`). PostgreSQL does the work: one stored tsvector per video
-- (titles, channel, description, weighted so that title matches rank first) behind a GIN index,
-- in a text search configuration that folds accents; a trigram index on the titles for close
-- matches (typos) where full-text finds nothing.
--
-- Written to succeed on any server ytsync can create tables on: the extensions (unaccent,
-- pg_trgm) are asked for, never required. Without them search still works: accents are folded
-- by Unicode decomposition below, only the rarer letters unaccent knows (ß, ø, æ, ł …) and the
-- close matches are missing; `ytsync search` says what to ask the server's admin for, and
-- ytsync_search_setup() picks the extensions up once they are there.

-- Earlier titles of a renamed video, oldest first, so that its old names find it too. Kept by a
-- trigger on the update that renames it, which writes that row anyway: an unchanged pull still
-- rewrites nothing.
ALTER TABLE "videos" ADD COLUMN "former_titles" text[];
--> statement-breakpoint
CREATE FUNCTION "ytsync_keep_former_title"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT (OLD."title" = ANY (coalesce(NEW."former_titles", '{}'))) THEN
    NEW."former_titles" := coalesce(NEW."former_titles", '{}') || OLD."title";
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "videos_keep_former_title"
BEFORE UPDATE OF "title" ON "videos"
FOR EACH ROW
WHEN (OLD."title" IS NOT NULL AND NEW."title" IS DISTINCT FROM OLD."title")
EXECUTE FUNCTION "ytsync_keep_former_title"();
--> statement-breakpoint
-- What the text search parser is given. Pure (only built-in functions, no search_path lookups:
-- it runs in generated columns, also while pg_dump's output is restored).
--  * Accents and compatibility forms go whatever the extensions: NFKD, combining marks dropped,
--    NFC again (Hangul syllables recompose). Full-width letters and 𝕗𝕒𝕟𝕔𝕪 ones become plain.
--  * Cyrillic and Greek capitals are lowered here: ytsync's private server runs in the C locale,
--    where lower() and the text search dictionaries only lower ASCII.
--  * Scripts written without spaces (Chinese, Japanese; Korean and Thai too) have no words for
--    the parser to find, and pg_trgm ignores every non-ASCII letter in a C-locale database. So
--    each run of such characters becomes its overlapping bigrams (and, in a document, its last
--    character alone): "日本語" → "日本 本語 語". A query's run becomes its bigrams in a row,
--    searched as a phrase, which finds it inside any longer run.
CREATE FUNCTION "ytsync_search_text"(parts text[], for_query boolean DEFAULT false) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  spaceless constant text := '[\u0e00-\u0e7f\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f]';
  t text := array_to_string(parts, ' ');
  result text := '';
  piece text[];
  n int;
BEGIN
  IF t IS NULL OR octet_length(t) = length(t) THEN
    RETURN coalesce(t, ''); -- plain ASCII, most of what there is: nothing to fold
  END IF;
  t := normalize(regexp_replace(normalize(t, NFKD), '[\u0300-\u036f]', '', 'g'), NFC);
  t := translate(t, 'ЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ',
                    'ѐёђѓєѕіїјљњћќѝўџабвгдежзийклмнопрстуфхцчшщъыьэюяαβγδεζηθικλμνξοπρστυφχψω');
  IF t !~ spaceless THEN
    RETURN t;
  END IF;
  FOR piece IN SELECT regexp_matches(t, '(' || spaceless || '+)|([^' || substr(spaceless, 2) || '+)', 'g') LOOP
    IF piece[1] IS NULL THEN
      result := result || piece[2];
    ELSE
      n := length(piece[1]);
      result := result || ' ' || (SELECT string_agg(substr(piece[1], i, 2), ' ' ORDER BY i)
                                    FROM generate_series(1, CASE WHEN for_query AND n > 1 THEN n - 1 ELSE n END) i) || ' ';
    END IF;
  END LOOP;
  RETURN result;
END;
$$;
--> statement-breakpoint
-- Brings the search objects to the best this server allows; safe to run again (ytsync does, when
-- the extensions it lacked have been installed since). Each extension is tried on its own, in a
-- subtransaction: a server that refuses one (no CREATE privilege on the database, no contrib
-- package) leaves the migration's transaction intact.
CREATE FUNCTION "ytsync_search_setup"() RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  dictionary text;
  trigram_schema text;
  folded_before boolean;
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS unaccent;
  EXCEPTION WHEN OTHERS THEN NULL;
  END;
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  EXCEPTION WHEN OTHERS THEN NULL;
  END;

  IF to_regclass('videos') IS NULL THEN
    RAISE EXCEPTION 'ytsync_search_setup: no videos table in schema %', current_schema();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'ytsync_search' AND cfgnamespace = current_schema()::regnamespace) THEN
    -- simple: no stemming and no stop words, for titles in any language.
    CREATE TEXT SEARCH CONFIGURATION ytsync_search (COPY = pg_catalog.simple);
  END IF;
  folded_before := EXISTS (SELECT 1 FROM pg_ts_config_map m JOIN pg_ts_dict d ON d.oid = m.mapdict
                            WHERE m.mapcfg = 'ytsync_search'::regconfig AND d.dictname = 'unaccent');
  -- The extension may live in another schema (an admin's choice): name it in full.
  SELECT format('%I.%I', n.nspname, d.dictname) INTO dictionary
    FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace
    JOIN pg_depend dep ON dep.classid = 'pg_ts_dict'::regclass AND dep.objid = d.oid AND dep.deptype = 'e'
    JOIN pg_extension e ON e.oid = dep.refobjid AND e.extname = 'unaccent'
   WHERE d.dictname = 'unaccent' LIMIT 1;
  IF dictionary IS NOT NULL AND NOT folded_before THEN
    EXECUTE format('ALTER TEXT SEARCH CONFIGURATION ytsync_search ALTER MAPPING FOR word, hword, hword_part, numword, numhword, hword_numpart WITH %s, simple', dictionary);
    -- Stored documents were made without it: made again below.
    ALTER TABLE videos DROP COLUMN IF EXISTS search_document, DROP COLUMN IF EXISTS search_names;
  END IF;

  -- Titles of videos renamed before this migration, from the history the trigger of 0002 kept.
  UPDATE videos v SET former_titles = r.titles
    FROM (SELECT h.video_id, array_agg(h.title ORDER BY h.first_seen) AS titles
            FROM (SELECT video_id, title, min(seen_at) AS first_seen FROM video_revisions WHERE title IS NOT NULL GROUP BY video_id, title) h
            JOIN videos now_ ON now_.id = h.video_id AND h.title IS DISTINCT FROM now_.title
           GROUP BY h.video_id) r
   WHERE v.id = r.video_id AND v.former_titles IS NULL;

  -- Generated columns, not expression indexes: ranking reads stored documents instead of
  -- parsing every candidate again (measured: 10 times faster on 32,000 hits), and they are
  -- computed only when a title, channel or description changes — never by an unchanged pull.
  -- search_document (everything) is what a video is found by; search_names (titles and
  -- channel, small enough to stay in the row) is what ranks it, without reading the documents
  -- of tens of thousands of hits back from TOAST.
  -- One statement, so the table is rewritten once.
  ALTER TABLE videos
    ADD COLUMN IF NOT EXISTS search_document tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('ytsync_search'::regconfig, ytsync_search_text(array_prepend(title, former_titles))), 'A') ||
      setweight(to_tsvector('ytsync_search'::regconfig, ytsync_search_text(ARRAY[channel_title])), 'B') ||
      setweight(to_tsvector('ytsync_search'::regconfig, ytsync_search_text(ARRAY[description])), 'C')) STORED,
    ADD COLUMN IF NOT EXISTS search_names tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('ytsync_search'::regconfig, ytsync_search_text(array_prepend(title, former_titles))), 'A') ||
      setweight(to_tsvector('ytsync_search'::regconfig, ytsync_search_text(ARRAY[channel_title])), 'B')) STORED;
  CREATE INDEX IF NOT EXISTS videos_search_document_idx ON videos USING gin (search_document);

  SELECT format('%I', n.nspname) INTO trigram_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
  IF trigram_schema IS NOT NULL AND to_regclass('videos_titles_trigram_idx') IS NULL THEN
    EXECUTE format('CREATE INDEX videos_titles_trigram_idx ON videos USING gin (ytsync_search_text(array_prepend(title, former_titles)) %s.gin_trgm_ops)',
                   trigram_schema);
  END IF;
END;
$$;
--> statement-breakpoint
SELECT "ytsync_search_setup"();
--> statement-breakpoint
-- Broad searches rank by walking your items from the most recently added down, stopping at
-- the first page of hits, instead of sorting tens of thousands of them.
CREATE INDEX "playlist_videos_recent_idx" ON "playlist_videos" USING btree ((coalesce("added_at", "first_seen")) DESC);
