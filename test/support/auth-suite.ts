import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { generateLibrary } from '../fakes/generate-library.js';
import { YouTubeEmulator } from '../fakes/youtube-emulator.js';
import { emulatorEnv } from './database.js';
import { killServer, seedPrivateDatabase, testRoot } from './private-server.js';

/**
 * The fixture the login and logout suites share: one emulator for the file, and per test a
 * fresh YTSYNC_HOME with the emulator's OAuth client in the environment.
 */
export interface AuthSuite {
  emu: YouTubeEmulator;
  home: string;
  env: Record<string, string>;
  credentialsFile(): string;
}

export function useAuthSuite(prefix: string): AuthSuite {
  const suite = {
    credentialsFile: () => path.join(suite.env.YTSYNC_HOME!, 'credentials.json'),
  } as AuthSuite;
  beforeAll(async () => {
    suite.emu = await YouTubeEmulator.start({ library: generateLibrary({ seed: 1, playlists: 3, items: 30 }) });
  });
  afterAll(async () => {
    await suite.emu?.stop();
  });
  beforeEach(async () => {
    suite.home = await mkdtemp(path.join(testRoot(), prefix));
    // As a home folder's parent usually is: others may pass (the private server may run as nobody).
    await chmod(suite.home, 0o755);
    await mkdir(path.join(suite.home, 'ytsync'), { mode: 0o700 });
    await seedPrivateDatabase(path.join(suite.home, 'ytsync'));
    suite.env = {
      YTSYNC_HOME: path.join(suite.home, 'ytsync'),
      ...(emulatorEnv(suite.emu) as Record<string, string>),
      YTSYNC_CLIENT_ID: suite.emu.oauth.defaultClient.clientId,
      YTSYNC_CLIENT_SECRET: suite.emu.oauth.defaultClient.clientSecret,
    };
  });
  afterEach(async () => {
    await killServer(path.join(suite.home, 'ytsync', 'db'));
    await rm(suite.home, { recursive: true, force: true });
  });
  return suite;
}
