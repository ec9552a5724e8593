import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { FileCredentialStore } from '../../src/auth/credential-store.js';
import { loadConfig, type Env } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { dataDirectory } from '../../src/db/data-place.js';
import { connectionConfig, privateServerPaths } from '../../src/db/private-server.js';
import type { YouTubeEmulator } from '../fakes/youtube-emulator.js';
import { emulatorCredentials } from './credentials.js';
import { killServer, seedPrivateDatabase, testRoot } from './private-server.js';

/** Which backend the database suites run on: set per vitest project (vitest.config.ts). */
export const TEST_DATABASE = (process.env.YTSYNC_TEST_DATABASE ?? 'embedded') as 'embedded' | 'postgres';
export const ADMIN_URL = process.env.YTSYNC_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let counter = 0;

/** A throwaway YTSYNC_HOME and database (a fresh database on the user's server, or the private server's under the home). */
export interface Workspace {
  home: string;
  /** The program's environment: home, database, and the emulator's endpoints when given. */
  env: Env;
  /** Opens the mirror for assertions, as any ytsync command would (also while one runs). */
  withDb<T>(work: (db: Db) => Promise<T>): Promise<T>;
  /** How to reach the workspace's database as any PostgreSQL client would, not through ytsync. */
  clientConfig(): pg.ClientConfig;
  /** Writes credentials as `ytsync login` would, with a refresh token the emulator issued. */
  seedCredentials(emulator: YouTubeEmulator): Promise<string>;
  cleanup(): Promise<void>;
}

export function emulatorEnv(emulator: YouTubeEmulator): Env {
  return {
    YTSYNC_API_ROOT: emulator.url,
    YTSYNC_OAUTH_AUTH_URL: emulator.oauthUrls.auth,
    YTSYNC_OAUTH_TOKEN_URL: emulator.oauthUrls.token,
    YTSYNC_OAUTH_REVOKE_URL: emulator.oauthUrls.revoke,
  };
}

export async function createWorkspace(emulator?: YouTubeEmulator): Promise<Workspace> {
  const home = await mkdtemp(path.join(testRoot(), 'ytsync-test-'));
  let databaseUrl: string | undefined;
  let dbName: string | undefined;
  if (TEST_DATABASE === 'postgres') {
    dbName = `ytsync_t_${process.pid}_${++counter}_${Date.now() % 100000}`;
    await admin((c) => c.query(`CREATE DATABASE "${dbName}"`));
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  } else {
    await seedPrivateDatabase(home);
  }
  const env: Env = {
    YTSYNC_HOME: home,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(emulator ? emulatorEnv(emulator) : {}),
  };
  return {
    home,
    env,
    async withDb(work) {
      const database = await openDatabase(loadConfig(env), { pullLock: false, command: 'test' });
      try {
        return await work(database.db);
      } finally {
        await database.close();
      }
    },
    clientConfig() {
      return databaseUrl ? { connectionString: databaseUrl } : connectionConfig(privateServerPaths(home, dataDirectory(path.join(home, 'db'))));
    },
    async seedCredentials(emu) {
      const credentials = emulatorCredentials(emu);
      await new FileCredentialStore(path.join(home, 'credentials.json')).save(credentials);
      return credentials.refreshToken;
    },
    async cleanup() {
      if (dbName) await admin((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
      // A test that killed its commands may leave their server for the next command to stop.
      else await killServer(path.join(home, 'db'));
      await rm(home, { recursive: true, force: true });
    },
  };
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
