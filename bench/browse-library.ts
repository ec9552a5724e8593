/**
 * The library `bench/browse.ts` searches: 100,000 videos and 150,000 items made by SQL alone
 * (generate_series, seeded random(): seconds, not a sync, and the same on both backends).
 * Titles of 2–7 words drawn with a skew (a few words are everywhere, most are rare, as in real
 * titles: the commonest is in about 1 title in 12, and in 1 description in 4), accented and
 * Japanese/Chinese ones among them; descriptions of ~500 characters;
 * 3,000 channels; 3 % deleted, 2 % private; 2 % renamed (so former titles exist); one list of
 * exactly 5,000 live items (plus 300 removed), a Liked list of 12,000, the rest over 299 lists,
 * 4 % of items removed.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/connection.js';

const WORDS = `lofi beats study mix live session tutorial typescript postgresql guitar cover remix official video trailer
review unboxing speedrun jazz piano rain sounds documentary lecture chess cooking ramen vlog synthwave drums music podcast
interview episode part full album concert acoustic ambient chill relax sleep focus coding javascript python rust golang
kubernetes docker linux history science physics math space nasa rocket travel japan tokyo paris berlin street food
recipe pasta pizza coffee tea morning night summer winter best top ten guide beginner advanced explained animation short
film reaction news update launch keynote conference talk workshop deep dive introduction basics masterclass lesson
practice exercise workout yoga running cycling football soccer basketball highlights goals game gameplay walkthrough
ending boss minecraft zelda mario retro arcade vinyl record studio production mixing mastering synth bass modular techno
house disco funk soul blues metal punk indie folk classical orchestra symphony opera choir café crème brûlée naïve
résumé señor über straße müller garçon piñata jalapeño smörgåsbord drive city midnight sunset ocean mountain forest
river desert island village castle garden kitchen bakery market festival wedding birthday holiday christmas halloween
spring autumn weather storm thunder snow camping hiking fishing sailing surfing skiing climbing photography camera lens
drone timelapse painting drawing sketch pottery knitting woodworking repair restoration engine motorcycle bicycle train
airplane ship submarine volcano earthquake dinosaur planet galaxy telescope quantum chemistry biology medicine brain
memory language grammar spanish french german italian korean chinese piano violin cello trumpet saxophone flute ukulele
harmonica banjo accordion karaoke dance ballet tango salsa hiphop rap trap drill grime dubstep trance ambient`
  .split(/\s+/u)
  .filter(Boolean);

const SYLLABLES = 'ka to ri mo sen lu ba ne shi ra vo den mar tel qui zo pa fen gor li sa nu bel tra'.split(' ');

const SPACELESS = ['日本語タイトル', '東京の夜景', 'ジブリ音楽メドレー', '中文歌曲精选', '猫の動画', 'ラーメン屋さん巡り', '北京烤鸭做法', '한국어 노래'];

export const SHOW_PLAYLIST = 'PLbench0001';

/** Fills an empty, migrated mirror. One transaction: one session, so setseed() holds for all of it. */
export async function fillLibrary(db: Db): Promise<void> {
  const n = WORDS.length;
  const words = sql`${sql.param(WORDS)}::text[]`;
  const syllables = sql`${sql.param(SYLLABLES)}::text[]`;
  // A word drawn with a skew (a few are everywhere, most are rare): one of the known words with
  // probability `known`, else a made-up one of 2–3 syllables (names, places: the long tail).
  // random() in a select list is drawn once per row of the generate_series it is in.
  const draw = (known: number) =>
    sql`CASE WHEN random() < ${known} THEN (${words})[1 + floor(power(random(), 1.6) * ${n})::int]
             ELSE (${syllables})[1 + floor(random() * ${SYLLABLES.length})::int] || (${syllables})[1 + floor(random() * ${SYLLABLES.length})::int]
                  || CASE WHEN random() < 0.5 THEN (${syllables})[1 + floor(random() * ${SYLLABLES.length})::int] ELSE '' END END`;
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT setseed(0.42)`);
    await tx.execute(sql`INSERT INTO account (id, channel_id, title, likes_playlist_id) VALUES (1, 'UCbench', 'Bench', 'LL')`);
    await tx.execute(sql`
      INSERT INTO playlists (youtube_id, kind, title, privacy_status, published_at)
      SELECT 'PLbench' || lpad(g::text, 4, '0'), 'playlist', initcap((${words})[1 + g % ${n}] || ' ' || (${words})[1 + (g * 7) % ${n}]), 'public',
             now() - g * interval '1 day'
        FROM generate_series(1, 300) g ORDER BY g`);
    await tx.execute(sql`INSERT INTO playlists (youtube_id, kind, title, privacy_status) VALUES ('LL', 'likes', 'Liked videos', 'private')`);
    await tx.execute(sql`
      INSERT INTO videos (youtube_id, title, description, channel_id, channel_title, published_at, duration_seconds, privacy_status,
                          unavailable_reason, unavailable_since)
      SELECT 'bv' || lpad(g::text, 9, '0'),
             (SELECT string_agg(${draw(0.75)}, ' ') FROM generate_series(1, 2 + g % 6))
               || CASE WHEN g % 29 = 0 THEN ' ' || (${sql.param(SPACELESS)}::text[])[1 + g % ${SPACELESS.length}] ELSE '' END,
             CASE WHEN g % 4 = 0 THEN '' ELSE
               (SELECT string_agg(${draw(0.2)}, ' ') FROM generate_series(1, 40 + g % 90)) || E'\n\nhttps://example.com/watch?ref=' || g END,
             'UCbench' || (g % 3000), initcap((${words})[1 + g % ${n}] || ' ' || (${words})[1 + (g / 7) % ${n}]) || ' TV',
             now() - g * interval '37 minutes', 30 + (g * 13) % 7200, 'public',
             CASE WHEN g % 33 = 0 THEN 'deleted' WHEN g % 50 = 0 THEN 'private' END,
             CASE WHEN g % 33 = 0 OR g % 50 = 0 THEN now() - (g % 90) * interval '1 day' END
        FROM generate_series(1, 100000) g ORDER BY g`);
    // Renamed videos: the trigger keeps their former titles (and their history, as pulls do).
    await tx.execute(sql`UPDATE videos SET title = title || ' (2024 remaster)' WHERE id % 50 = 7`);
    await tx.execute(sql`
      WITH items AS (
        SELECT g,
               CASE WHEN g <= 5300 THEN 1 WHEN g <= 17300 THEN 301 ELSE 2 + g % 299 END AS playlist_id,
               CASE WHEN g <= 5000 THEN NULL WHEN g <= 5300 THEN now() - (g % 60) * interval '1 day'
                    WHEN g % 25 = 0 THEN now() - (g % 60) * interval '1 day' END AS removed_at
          FROM generate_series(1, 150000) g)
      INSERT INTO playlist_videos (youtube_id, playlist_id, video_id, position, added_at, first_seen, removed_at)
      SELECT 'bi' || g, playlist_id, ((g::bigint * 7919) % 100000) + 1,
             (row_number() OVER (PARTITION BY playlist_id, removed_at IS NULL ORDER BY g) - 1)::int,
             now() - (150000 - g) * interval '10 minutes', now() - interval '90 days', removed_at
        FROM items`);
  });
  await db.execute(sql`VACUUM ANALYZE`);
}

/** 50 queries a person might type (argv after `search`): common and rare words, prefixes, phrases, exclusions, accents, CJK, filters. */
export const QUERIES: string[][] = [
  ['music'], ['live'], ['lofi'], ['tutorial'], ['guitar'], ['documentary'], ['volcano'], ['harmonica'], ['submarine'],
  ['quantum'], ['telescope'], ['accordion'], ['pottery'], ['smörgåsbord'],
  ['synth'], ['doc'], ['guit'], ['kuber'], ['postg'], ['photo'], ['walkth'], ['masterc'], ['restor'],
  ['lofi', 'beats'], ['jazz', 'piano', 'night'], ['street', 'food', 'tokyo'], ['rust', 'tutorial'], ['chess', 'lecture'],
  ['sunset', 'drive'], ['retro', 'arcade', 'game'], ['deep', 'dive', 'linux'],
  ['"lofi beats"'], ['"deep dive"'], ['"live session"'], ['"midnight city"'], ['"crème brûlée"'],
  ['music', '-live'], ['guitar', '-cover', '-remix'], ['jazz', '-piano'], ['synthwave', '-"night drive"'],
  ['cafe'], ['strasse'], ['uber', 'muller'],
  ['東京'], ['タイトル'], ['の'],
  ['remaster'],
  // With filters, as on the command line.
  ['music', '--unavailable'], ['jazz', '--removed'], ['live', '--playlist', 'PLbench0002'],
];
