import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Db } from './connection.js';

/** The migrations shipped with the package, wherever the program is started from. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/** `when` of the newest migration drizzle-kit generated (its journal orders them). */
function newestMigration(): number {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as {
    entries: Array<{ when: number }>;
  };
  return Math.max(...journal.entries.map((e) => e.when));
}

/**
 * True when the database already has every migration. One cheap query instead of the
 * migrator's CREATE … IF NOT EXISTS round trips: most commands open an up-to-date database,
 * and `status` should not pay (or write) for the check.
 */
export async function isUpToDate(db: Db): Promise<boolean> {
  try {
    const result = (await db.execute(sql`SELECT max(created_at)::text AS newest FROM drizzle.__drizzle_migrations`)) as unknown as {
      rows: Array<{ newest: string | null }>;
    };
    return Number(result.rows[0]?.newest ?? 0) >= newestMigration();
  } catch {
    return false; // no migrations table yet: a new database
  }
}
