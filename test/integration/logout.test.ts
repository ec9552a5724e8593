import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoredCredentials } from '../../src/auth/credential-store.js';
import { generateLibrary } from '../fakes/generate-library.js';
import { YouTubeEmulator } from '../fakes/youtube-emulator.js';
import { loginThroughBrowser } from '../support/browser-login.js';
import { runInProcess } from '../support/cli.js';
import { closedPort } from '../support/ports.js';

// Issue 3, acceptance 6 (the `pull` half — exit 3 afterwards — lives in auth-pull.test.ts).

let emu: YouTubeEmulator;
let home: string;
let env: Record<string, string>;

beforeAll(async () => {
  emu = await YouTubeEmulator.start({ library: generateLibrary({ seed: 1, playlists: 3, items: 30 }) });
});
afterAll(async () => {
  await emu?.stop();
});

beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'ytsync-logout-'));
  env = {
    YTSYNC_HOME: path.join(home, 'ytsync'),
    YTSYNC_API_ROOT: emu.url,
    YTSYNC_OAUTH_AUTH_URL: emu.oauthUrls.auth,
    YTSYNC_OAUTH_TOKEN_URL: emu.oauthUrls.token,
    YTSYNC_OAUTH_REVOKE_URL: emu.oauthUrls.revoke,
    YTSYNC_CLIENT_ID: emu.oauth.defaultClient.clientId,
    YTSYNC_CLIENT_SECRET: emu.oauth.defaultClient.clientSecret,
  };
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const credentialsFile = () => path.join(env.YTSYNC_HOME!, 'credentials.json');

/** Credentials as a login would leave them, with a refresh token the emulator issued. */
async function writeLoggedIn(refreshToken = emu.oauth.issueRefreshToken()): Promise<string> {
  const credentials: StoredCredentials = {
    version: 1,
    clientId: emu.oauth.defaultClient.clientId,
    clientSecret: emu.oauth.defaultClient.clientSecret,
    refreshToken,
    savedAt: new Date().toISOString(),
  };
  await mkdir(env.YTSYNC_HOME!, { recursive: true, mode: 0o700 });
  await writeFile(credentialsFile(), JSON.stringify(credentials), { mode: 0o600 });
  return refreshToken;
}

describe('ytsync logout', () => {
  it('revokes the refresh token at the emulator and deletes the file', async () => {
    const login = await loginThroughBrowser([], env);
    expect(login.code, login.stderr).toBe(0);
    const { refreshToken } = JSON.parse(await readFile(credentialsFile(), 'utf8')) as StoredCredentials;
    expect(emu.oauth.isRevoked(refreshToken)).toBe(false);

    const result = await runInProcess(['logout'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Revoked/);
    expect(result.stdout).toMatch(/Logged out/);
    expect(emu.oauth.isRevoked(refreshToken)).toBe(true);
    await expect(stat(credentialsFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says so and exits 0 when not logged in', async () => {
    const result = await runInProcess(['logout'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Not logged in/);
  });

  it('still deletes the file when the revoke endpoint is unreachable', async () => {
    const refreshToken = await writeLoggedIn();
    const result = await runInProcess(['logout'], { ...env, YTSYNC_OAUTH_REVOKE_URL: `http://127.0.0.1:${await closedPort()}/revoke` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/revocation failed \(ECONNREFUSED\)/);
    expect(result.stderr + result.stdout).not.toContain(refreshToken);
    await expect(stat(credentialsFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('treats an already revoked token as done', async () => {
    const refreshToken = await writeLoggedIn();
    emu.oauth.revoke(refreshToken);
    const result = await runInProcess(['logout'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/revocation failed/);
    await expect(stat(credentialsFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('deletes a corrupt credentials file without trying to revoke', async () => {
    await mkdir(env.YTSYNC_HOME!, { recursive: true });
    await writeFile(credentialsFile(), '{ not json');
    await chmod(credentialsFile(), 0o644);
    const result = await runInProcess(['logout'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/not valid JSON.*without revoking/);
    await expect(stat(credentialsFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
