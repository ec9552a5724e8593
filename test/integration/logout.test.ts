import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { StoredCredentials } from '../../src/auth/credential-store.js';
import { loginThroughBrowser } from '../support/browser-login.js';
import { runInProcess } from '../support/cli.js';
import { closedPort } from '../support/ports.js';
import { emulatorCredentials } from '../support/credentials.js';
import { useAuthSuite } from '../support/auth-suite.js';

// Issue 3, acceptance 6 (the `pull` half — exit 3 afterwards — lives in auth-pull.test.ts).

const suite = useAuthSuite('ytsync-logout-');
const credentialsFile = () => suite.credentialsFile();

/** Credentials as a login would leave them, with a refresh token the emulator issued. */
async function writeLoggedIn(refreshToken = suite.emu.oauth.issueRefreshToken(), revokeUrl?: string): Promise<string> {
  const credentials: StoredCredentials = emulatorCredentials(suite.emu, refreshToken);
  if (revokeUrl) credentials.endpoints!.revokeUrl = revokeUrl;
  await mkdir(suite.env.YTSYNC_HOME!, { recursive: true, mode: 0o700 });
  await writeFile(credentialsFile(), JSON.stringify(credentials), { mode: 0o600 });
  return refreshToken;
}

describe('ytsync logout', () => {
  it('revokes the refresh token at the emulator and deletes the file', async () => {
    const login = await loginThroughBrowser([], suite.env);
    expect(login.code, login.stderr).toBe(0);
    const { refreshToken } = JSON.parse(await readFile(credentialsFile(), 'utf8')) as StoredCredentials;
    expect(suite.emu.oauth.isRevoked(refreshToken)).toBe(false);

    const result = await runInProcess(['logout'], suite.env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Revoked/);
    expect(result.stdout).toMatch(/Logged out/);
    expect(suite.emu.oauth.isRevoked(refreshToken)).toBe(true);
    await expect(stat(credentialsFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says so and exits 0 when not logged in', async () => {
    const result = await runInProcess(['logout'], suite.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Not logged in/);
  });

  it('still deletes the file when the revoke endpoint is unreachable', async () => {
    const revokeUrl = `http://127.0.0.1:${await closedPort()}/revoke`;
    const refreshToken = await writeLoggedIn(undefined, revokeUrl);
    const result = await runInProcess(['logout'], { ...suite.env, YTSYNC_OAUTH_REVOKE_URL: revokeUrl });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/revocation failed \(ECONNREFUSED\)/);
    expect(result.stderr + result.stdout).not.toContain(refreshToken);
    await expect(stat(credentialsFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('revokes where the token was issued, whatever the revoke setting says now', async () => {
    const refreshToken = await writeLoggedIn();
    const elsewhere = `http://127.0.0.1:${await closedPort()}/revoke`;
    const result = await runInProcess(['logout'], { ...suite.env, YTSYNC_OAUTH_REVOKE_URL: elsewhere });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Revoked the refresh token/);
    expect(suite.emu.oauth.isRevoked(refreshToken)).toBe(true);
  });

  it('treats an already revoked token as done', async () => {
    const refreshToken = await writeLoggedIn();
    suite.emu.oauth.revoke(refreshToken);
    const result = await runInProcess(['logout'], suite.env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/revocation failed/);
    await expect(stat(credentialsFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('deletes a corrupt credentials file without trying to revoke', async () => {
    await mkdir(suite.env.YTSYNC_HOME!, { recursive: true });
    await writeFile(credentialsFile(), '{ not json');
    await chmod(credentialsFile(), 0o644);
    const result = await runInProcess(['logout'], suite.env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/not valid JSON.*without revoking/);
    await expect(stat(credentialsFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
