import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import type { Part } from '../youtube/records.js';

/** A whole column as ONE parameter (unnest): cheap to build and to parse, whatever the page size. */
export const column = (values: unknown[], type: string): SQL => sql`${sql.param(values)}::${sql.raw(type)}[]`;

export const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

/** The one row of counts a statement returns. */
export async function counts<T>(tx: Db, query: SQL): Promise<T> {
  return ((await tx.execute(query)) as unknown as { rows: T[] }).rows[0]!;
}

/** One record per YouTube id (a page can list the same video twice), in the order given. */
export function uniqueById<T extends { youtubeId: string }>(rows: T[]): T[] {
  return [...new Map(rows.map((r) => [r.youtubeId, r])).values()];
}

/** Sorted by YouTube id: concurrent pages that share videos lock them in the same order (no deadlocks). */
export function inLockOrder<T extends { youtubeId: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (a.youtubeId < b.youtubeId ? -1 : a.youtubeId > b.youtubeId ? 1 : 0));
}

/**
 * Records grouped by the parts their answers left out, each group with the set of those parts
 * (empty for complete answers): a group is written by a statement that leaves the columns of
 * its missing parts as stored.
 */
export function byMissingParts<T extends { missingParts?: Part[] }>(records: T[]): Array<[absent: Set<Part>, group: T[]]> {
  const groups = new Map<string, T[]>();
  for (const record of records) {
    const key = (record.missingParts ?? []).join(',');
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  return [...groups].map(([key, group]) => [new Set(key ? (key.split(',') as Part[]) : []), group]);
}
