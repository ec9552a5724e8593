import type { SQL } from 'drizzle-orm';
import type { Db } from './connection.js';

/** Rows of a raw query (node-postgres answers `{ rows }`). */
export async function selectRows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Timestamps arrive as Date from node-postgres; strings are tolerated. */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}
