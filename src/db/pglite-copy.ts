/**
 * Child process of the PGlite upgrade (pglite-upgrade.ts): copies every table of a PGlite data
 * directory written by ytsync 0.1.0 into the private server, in ONE transaction, compares row
 * counts per table and sets the sequences past the old ids. A child because PGlite holds the
 * whole database in this process's memory (~1 GB for a large library); the command's own
 * process stays small, and the memory is gone when the child exits.
 *
 *   node dist/db/pglite-copy.js <pglite data dir>   (connection in YTSYNC_UPGRADE_TARGET, JSON)
 */
import pg from 'pg';

/** Parents before children, so the copy reads like the schema (foreign keys are off anyway). */
const ORDER = ['account', 'playlists', 'videos', 'playlist_videos', 'video_revisions', 'sync_runs', 'sync_state', 'pass_seen', 'quota_usage', 'etag_cache'];
const BATCH = 2000;

interface Source {
  query<T>(sql: string): Promise<{ rows: T[] }>;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function columns(db: Source | pg.Client, table: string): Promise<string[]> {
  const { rows } = await (db as Source).query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table.replace(/'/g, "''")}' ORDER BY ordinal_position`,
  );
  return rows.map((r) => r.column_name);
}

async function tables(db: Source | pg.Client): Promise<string[]> {
  const { rows } = await (db as Source).query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  );
  const names = rows.map((r) => r.table_name);
  return [...ORDER.filter((t) => names.includes(t)), ...names.filter((t) => !ORDER.includes(t)).sort()];
}

async function copy(sourceDir: string, target: pg.ClientConfig): Promise<Record<string, number>> {
  const { PGlite } = await import('@electric-sql/pglite');
  const source = new PGlite(sourceDir);
  await source.waitReady;
  const client = new pg.Client(target);
  await client.connect();
  const counts: Record<string, number> = {};
  try {
    await client.query('BEGIN');
    // Replica mode: no trigger fires (the history trigger must not see the copy as updates)
    // and foreign keys are not checked row by row; the rows are copied exactly as they were.
    await client.query("SET LOCAL session_replication_role = 'replica'");
    const targetTables = await tables(client);
    for (const table of await tables(source)) {
      if (!targetTables.includes(table)) throw new Error(`table ${table} of the old database has no place in the new one`);
      const newColumns = await columns(client, table);
      const oldColumns = await columns(source, table);
      const lost = oldColumns.filter((c) => !newColumns.includes(c));
      if (lost.length > 0) throw new Error(`columns ${table}.${lost.join(', ')} of the old database have no place in the new one`);
      const list = oldColumns.map(ident).join(', ');
      const expected = Number((await source.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident(table)}`)).rows[0]!.n);
      // A stable order to page by: every column, leading with the primary key where there is one.
      for (let offset = 0; offset < expected; offset += BATCH) {
        const { rows } = await source.query<{ batch: string }>(
          `SELECT json_agg(t)::text AS batch FROM (SELECT ${list} FROM ${ident(table)} ORDER BY ${list} LIMIT ${BATCH} OFFSET ${offset}) t`,
        );
        await client.query(`INSERT INTO ${ident(table)} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${ident(table)}, $1::json)`, [rows[0]!.batch]);
      }
      const copied = Number((await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident(table)}`)).rows[0]!.n);
      if (copied !== expected) throw new Error(`${table}: ${expected} rows in the old database, ${copied} copied`);
      counts[table] = copied;
    }
    // Sequences continue where the old ones stood, so no id is ever handed out twice.
    const { rows: sequences } = await source.query<{ name: string; last_value: string; is_called: boolean }>(
      "SELECT sequencename AS name, last_value::text, last_value IS NOT NULL AS is_called FROM pg_sequences WHERE schemaname = 'public'",
    );
    for (const seq of sequences) {
      if (seq.last_value === null) continue;
      await client.query('SELECT setval($1::regclass, $2::bigint, true)', [ident(seq.name), seq.last_value]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
    await source.close();
  }
  return counts;
}

const [sourceDir] = process.argv.slice(2);
try {
  const counts = await copy(sourceDir!, JSON.parse(process.env.YTSYNC_UPGRADE_TARGET ?? '{}') as pg.ClientConfig);
  process.stdout.write(`${JSON.stringify(counts)}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}
