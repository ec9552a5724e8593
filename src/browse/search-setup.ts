import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { selectRows } from '../db/values.js';

/**
 * How well search can work on this database. The migration asks for the unaccent and pg_trgm
 * extensions but does not need them (a user's server may refuse ytsync the right to create
 * them); without them search still works, only less well — and says what to ask for.
 */
export interface SearchSetup {
  /** The `ytsync_search` configuration folds accents with unaccent (ß → ss, ø → o …). */
  unaccent: boolean;
  /** Schema of pg_trgm, quoted for SQL, when the trigram index on titles exists: close matches work. */
  trigramSchema: string | null;
  /** What is missing, by extension name. */
  missing: Array<'unaccent' | 'pg_trgm'>;
  database: string;
}

async function readSetup(db: Db): Promise<SearchSetup & { installed: string[] }> {
  const [row] = await selectRows<{ unaccent: boolean; trigram_schema: string | null; installed: string[]; database: string }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM pg_ts_config_map m JOIN pg_ts_dict d ON d.oid = m.mapdict
                        WHERE m.mapcfg = 'ytsync_search'::regconfig AND d.dictname = 'unaccent') AS unaccent,
               (SELECT format('%I', n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                 WHERE e.extname = 'pg_trgm' AND to_regclass('videos_titles_trigram_idx') IS NOT NULL) AS trigram_schema,
               ARRAY(SELECT extname::text FROM pg_extension WHERE extname IN ('unaccent', 'pg_trgm')) AS installed,
               current_database() AS database`,
  );
  const missing: SearchSetup['missing'] = [];
  if (!row!.unaccent) missing.push('unaccent');
  if (row!.trigram_schema === null) missing.push('pg_trgm');
  return { unaccent: row!.unaccent, trigramSchema: row!.trigram_schema, missing, database: row!.database, installed: row!.installed };
}

/**
 * The setup as it is — after catching up, once an admin has installed an extension the
 * migration could not create. (Search itself never tries to create one: on a server that
 * refuses, every search would leave an error in the server's log.) Catching up rebuilds the
 * search documents, once; it is given up, and tried again next time, if a running pull keeps
 * the table busy or this role may not alter it.
 */
export async function prepareSearch(db: Db, onRebuild: (message: string) => void): Promise<SearchSetup> {
  const setup = await readSetup(db);
  const adoptable = setup.missing.filter((name) => setup.installed.includes(name));
  if (adoptable.length === 0) return setup;
  onRebuild(`setting up search with the ${adoptable.join(' and ')} extension${adoptable.length > 1 ? 's' : ''} (once; a few seconds per 100,000 videos)…`);
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL lock_timeout = '3s'`);
      await tx.execute(sql`SELECT ytsync_search_setup()`);
    });
  } catch {
    return setup;
  }
  return readSetup(db);
}

/** The one line a search without the extensions prints: what is lost, and what to ask for. */
export function missingExtensionsNotice(setup: SearchSetup): string | null {
  if (setup.missing.length === 0) return null;
  const lost = [
    setup.missing.includes('unaccent') && 'letters such as ß, æ, ø and ł are not folded (strasse does not find Straße)',
    setup.missing.includes('pg_trgm') && 'misspelt words find nothing (no close matches)',
  ].filter(Boolean);
  const statements = setup.missing.map((name) => `CREATE EXTENSION IF NOT EXISTS ${name};`).join(' ');
  return (
    `search works without the PostgreSQL extension${setup.missing.length > 1 ? 's' : ''} ${setup.missing.join(' and ')}, ` +
    `which ytsync could not create on this server: ${lost.join('; ')}. ` +
    `Ask the server's admin to run in database "${setup.database}": ${statements} — ytsync uses them from then on.`
  );
}
