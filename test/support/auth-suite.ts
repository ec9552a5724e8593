import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { generateLibrary } from '../fakes/generate-library.js';
import { YouTubeEmulator } from '../fakes/youtube-emulator.js';
import { emulatorEnv } from './database.js';

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
    suite.home = await mkdtemp(path.join(os.tmpdir(), prefix));
    suite.env = {
      YTSYNC_HOME: path.join(suite.home, 'ytsync'),
      ...(emulatorEnv(suite.emu) as Record<string, string>),
      YTSYNC_CLIENT_ID: suite.emu.oauth.defaultClient.clientId,
      YTSYNC_CLIENT_SECRET: suite.emu.oauth.defaultClient.clientSecret,
    };
  });
  afterEach(async () => {
    await rm(suite.home, { recursive: true, force: true });
  });
  return suite;
}
