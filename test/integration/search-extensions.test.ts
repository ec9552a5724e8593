import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YouTubeEmulator } from '../fakes/youtube-emulator.js';
import { searchFixtureLibrary, type FixtureKey } from '../support/browse-fixture.js';
import { runInProcess } from '../support/cli.js';
import { ADMIN_URL, emulatorEnv, TEST_DATABASE } from '../support/database.js';
import { testRoot } from '../support/private-server.js';
import { FileCredentialStore } from '../../src/auth/credential-store.js';
import { emulatorCredentials } from '../support/credentials.js';

// Issue 12: on a user's server where ytsync may not create extensions, the migration succeeds,
// search works less well and says once what to ask the admin for; once the admin has installed
// them, the next search uses them. Only a server with roles of its own can show this: the
// private server's role is its superuser.
//
// How a server refuses: unaccent and pg_trgm are trusted extensions, so an owner of the database
// may create them — unless the server lacks the contrib package, is older than PostgreSQL 13
// (then they need a superuser), or is a managed service that allows only some extensions. (A
// role without CREATE on the database cannot run any migration: drizzle's migrator starts with
// CREATE SCHEMA IF NOT EXISTS, which checks that privilege even when the schema exists.) Here an
// event trigger of the admin refuses CREATE EXTENSION, as such a server does.

async function asAdmin(database: string, ...statements: string[]): Promise<void> {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

describe.runIf(TEST_DATABASE === 'postgres')('search on a server that refuses ytsync the extensions', () => {
  const role = `ytsync_noext_${process.pid}`;
  const database = `ytsync_t_${process.pid}_noext`;
  let emulator: YouTubeEmulator;
  let home: string;
  let env: Record<string, string>;
  let videoIds: Record<FixtureKey, string>;

  beforeAll(async () => {
    const adminDb = new URL(ADMIN_URL).pathname.slice(1) || 'postgres';
    // ytsync's own role, owner of its database, not a superuser.
    await asAdmin(adminDb, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`, `DROP ROLE IF EXISTS ${role}`, `CREATE ROLE ${role} LOGIN`, `CREATE DATABASE "${database}" OWNER ${role}`);
    await asAdmin(
      database,
      `GRANT USAGE, CREATE ON SCHEMA public TO ${role}`,
      `CREATE FUNCTION refuse_extensions() RETURNS event_trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'permission denied to create extension' USING ERRCODE = 'insufficient_privilege'; END $$`,
      'CREATE EVENT TRIGGER refuse_extensions ON ddl_command_start WHEN TAG IN (\'CREATE EXTENSION\') EXECUTE FUNCTION refuse_extensions()',
    );
    const fixture = searchFixtureLibrary();
    videoIds = fixture.videoIds;
    emulator = await YouTubeEmulator.start({ library: fixture.library });
    home = await mkdtemp(path.join(testRoot(), 'ytsync-test-noext-'));
    const url = new URL(ADMIN_URL);
    url.username = role;
    url.pathname = `/${database}`;
    env = { YTSYNC_HOME: home, DATABASE_URL: url.toString(), ...(emulatorEnv(emulator) as Record<string, string>) };
    await new FileCredentialStore(path.join(home, 'credentials.json')).save(emulatorCredentials(emulator));
  });
  afterAll(async () => {
    await emulator?.stop();
    await asAdmin(new URL(ADMIN_URL).pathname.slice(1) || 'postgres', `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`, `DROP ROLE IF EXISTS ${role}`);
    await rm(home, { recursive: true, force: true });
  });

  const keys = (report: { hits: Array<{ videoId: string }> }) => {
    const key = new Map(Object.entries(videoIds).map(([k, id]) => [id, k]));
    return report.hits.map((h) => key.get(h.videoId));
  };

  it('the migration succeeds; search works without the extensions and says, once, what to ask for', async () => {
    const pulled = await runInProcess(['pull', '--quiet'], env);
    expect(pulled.code, pulled.stderr).toBe(0);

    const missing = await runInProcess(['search', 'strasse'], env);
    expect(missing.code).toBe(0);
    expect(missing.stdout).toBe('');
    const notes = missing.stderr.split('\n').filter((line) => line.startsWith('ytsync: note:'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`Ask the server's admin to run in database "${database}": CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm;`);
    expect(missing.stderr).toMatch(/^no video in the mirror matches strasse\.$/m);

    // Less well, but still: case, accents by decomposition, prefixes, phrases, CJK.
    const cafe = await runInProcess(['search', '--json', 'CAFE'], env);
    const report = JSON.parse(cafe.stdout);
    expect(keys(report)).toEqual(['cafeTitle', 'cafeChannel', 'cafeDescription']);
    expect(report.warnings).toEqual([expect.stringContaining('CREATE EXTENSION IF NOT EXISTS unaccent;')]);
    expect(keys(JSON.parse((await runInProcess(['search', '--json', '"night drive"'], env)).stdout))).toEqual(['synthRemix', 'synthNight']);
    expect(keys(JSON.parse((await runInProcess(['search', '--json', 'タイトル'], env)).stdout))).toEqual(['japanese']);
    expect(JSON.parse((await runInProcess(['search', '--json', 'synthwaev'], env)).stdout)).toMatchObject({ total: 0, closeMatches: false });
  });

  it('once the admin has installed them, the next search sets itself up with them', async () => {
    await asAdmin(database, 'DROP EVENT TRIGGER refuse_extensions', 'CREATE EXTENSION IF NOT EXISTS unaccent', 'CREATE EXTENSION IF NOT EXISTS pg_trgm');
    const first = await runInProcess(['search', '--json', 'strasse'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^ytsync: setting up search with the unaccent and pg_trgm extensions \(once/m);
    expect(first.stderr).not.toMatch(/note:/);
    expect(keys(JSON.parse(first.stdout))).toEqual(['german']);

    const again = await runInProcess(['search', '--json', 'synthwaev'], env);
    expect(again.stderr).toBe('');
    expect(JSON.parse(again.stdout)).toMatchObject({ closeMatches: true, warnings: [] });
  });
});
