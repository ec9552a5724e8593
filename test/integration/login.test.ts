import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredCredentials } from '../../src/auth/credential-store.js';
import { consent, loginThroughBrowser, startLogin } from '../support/browser-login.js';
import { runInProcess, spawnCli } from '../support/cli.js';
import { closedPort } from '../support/ports.js';
import { useAuthSuite } from '../support/auth-suite.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/connection.js';
import { unitsUsedOn } from '../../src/youtube/quota-meter.js';

// Issue 3, acceptance 1–3: the test plays the browser against the emulator's OAuth endpoints.

const suite = useAuthSuite('ytsync-login-');
const credentialsFile = () => suite.credentialsFile();
const readCredentials = async () => JSON.parse(await readFile(credentialsFile(), 'utf8')) as StoredCredentials;

/** Units the quota ledger holds for today. */
async function ledgerToday(): Promise<number> {
  const database = await openDatabase(loadConfig(suite.env), { pullLock: false, command: 'test' });
  try {
    return await unitsUsedOn(database.db);
  } finally {
    await database.close();
  }
}

describe('ytsync login', () => {
  it("records the channel lookup's unit in the quota ledger", async () => {
    const unitsBefore = suite.emu.quota.used;
    const result = await loginThroughBrowser([], suite.env);
    expect(result.code, result.stderr).toBe(0);
    expect(suite.emu.quota.used - unitsBefore).toBe(1);
    expect(await ledgerToday()).toBe(1);
  });

  it('counts every attempt of the channel lookup in the ledger, retries included', async () => {
    const unitsBefore = suite.emu.quota.used;
    suite.emu.faults.failNext(2, '503', 'channels');
    const result = await loginThroughBrowser([], suite.env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Logged in as /m);
    expect(suite.emu.quota.used - unitsBefore).toBe(3);
    expect(await ledgerToday()).toBe(3);
  });

  it('logs in end to end: loopback on 127.0.0.1, PKCE S256, file 0600 in a 0700 folder', async () => {
    const authsBefore = suite.emu.oauth.authRequests.length;
    const exchangesBefore = suite.emu.oauth.exchanges.length;

    const result = await loginThroughBrowser([], suite.env);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Logged in as .+ \(UC[\w-]+\)$/m);
    expect(result.page.status).toBe(200);
    expect(await result.page.text()).toMatch(/close this tab/);

    const auth = suite.emu.oauth.authRequests.slice(authsBefore);
    expect(auth).toHaveLength(1);
    expect(auth[0]!.redirectHost).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(auth[0]).toMatchObject({
      codeChallengeMethod: 'S256',
      accessType: 'offline',
      prompt: 'consent',
      scope: 'https://www.googleapis.com/auth/youtube.readonly',
    });
    const exchanges = suite.emu.oauth.exchanges.slice(exchangesBefore);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ verifierMatched: true, redirectUriMatched: true, ok: true });

    expect((await stat(credentialsFile())).mode & 0o777).toBe(0o600);
    // 0711 only when the private server runs as another user (ytsync as root): it may pass, not list.
    expect((await stat(suite.env.YTSYNC_HOME!)).mode & 0o777).toBe(process.getuid?.() === 0 ? 0o711 : 0o700);
    const stored = await readCredentials();
    expect(stored).toMatchObject({
      clientId: suite.emu.oauth.defaultClient.clientId,
      clientSecret: suite.emu.oauth.defaultClient.clientSecret,
      refreshToken: expect.any(String),
      accessToken: expect.any(String),
      expiryDate: expect.any(Number),
      account: { channelId: expect.stringMatching(/^UC/), title: expect.any(String) },
    });
    expect(result.stdout).toContain(`(${stored.account!.channelId})`);
  });

  it('refuses a redirect with the wrong state (400), never exchanges its code, then takes the right one', async () => {
    const { authUrl, done } = startLogin([], suite.env);
    const url = await authUrl;
    // Two consents give two valid codes; the first comes back with a forged state.
    const forged = await consent(url);
    const genuine = await consent(url);
    const forgedCode = forged.searchParams.get('code')!;
    forged.searchParams.set('state', 'forged-state');

    const refused = await fetch(forged);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/still waiting/);

    const accepted = await fetch(genuine);
    expect(accepted.status).toBe(200);
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Logged in as/);
    const exchanged = suite.emu.oauth.exchanges.map((e) => e.code);
    expect(exchanged).toContain(genuine.searchParams.get('code'));
    expect(exchanged).not.toContain(forgedCode);
  });

  it('never prints an access or refresh token (login, then logout)', async () => {
    const login = await loginThroughBrowser([], suite.env);
    expect(login.code, login.stderr).toBe(0);
    const { accessToken, refreshToken } = await readCredentials();
    const logout = await runInProcess(['logout'], suite.env);
    expect(logout.code, logout.stderr).toBe(0);

    for (const output of [login.stdout, login.stderr, logout.stdout, logout.stderr]) {
      expect(output).not.toContain(refreshToken);
      expect(output).not.toContain(accessToken!);
    }
  });

  it('reads the client from a --client-secret file and keeps it for the next login', async () => {
    const secretFile = path.join(suite.home, 'client_secret.json');
    const { clientId, clientSecret } = suite.emu.oauth.defaultClient;
    await writeFile(secretFile, JSON.stringify({ installed: { client_id: clientId, client_secret: clientSecret, redirect_uris: ['http://localhost'] } }));
    const withoutEnvClient = { ...suite.env, YTSYNC_CLIENT_ID: '', YTSYNC_CLIENT_SECRET: '' };

    const first = await loginThroughBrowser(['--client-secret', secretFile], withoutEnvClient);
    expect(first.code, first.stderr).toBe(0);
    // The stored client is enough for logging in again.
    const second = await loginThroughBrowser([], withoutEnvClient);
    expect(second.code, second.stderr).toBe(0);
    expect((await readCredentials()).clientId).toBe(clientId);
  });

  // Issue 13, acceptance 4.
  it('rejects a web client JSON with exit 2, saying why and what to create instead', async () => {
    const secretFile = path.join(suite.home, 'web.json');
    await writeFile(secretFile, JSON.stringify({ web: { client_id: 'x.apps.googleusercontent.com', client_secret: 'y', redirect_uris: ['https://example.com/cb'] } }));
    const authsBefore = suite.emu.oauth.authRequests.length;
    const result = await runInProcess(['login', '--no-browser', '--client-secret', secretFile], suite.env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^ytsync: .*web\.json is the JSON of a "Web application" OAuth client/);
    expect(result.stderr).toMatch(/127\.0\.0\.1 at a port chosen at each login/); // why
    expect(result.stderr).toContain('Create a "Desktop app" OAuth client in your Google Cloud project (https://console.cloud.google.com/auth/clients/create');
    expect(result.stderr).toContain('run `ytsync login --client-secret <that file>`');
    expect(suite.emu.oauth.authRequests.length).toBe(authsBefore); // never got as far as Google
  });

  it('exits 2 when the client secret file is missing', async () => {
    const result = await runInProcess(['login', '--no-browser', '--client-secret', path.join(suite.home, 'nope.json')], suite.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Cannot read the client secret file .*no such file/);
  });

  // Issue 13, acceptance 4: the first login guides, step by step, with the Console's links.
  it('without any OAuth client: the numbered setup with its links, then the command to run next; exit 2', async () => {
    const result = await runInProcess(['login'], { ...suite.env, YTSYNC_CLIENT_ID: '', YTSYNC_CLIENT_SECRET: '' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const text = result.stderr;
    const steps = [...text.matchAll(/^ {2}(\d)\. (.*)$/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(steps.map(([n]) => n)).toEqual([1, 2, 3, 4, 5]);
    expect(steps[0]![1]).toMatch(/Enable the YouTube Data API v3/);
    expect(steps[1]![1]).toMatch(/consent screen.*External/);
    expect(steps[2]![1]).toMatch(/test user/);
    expect(steps[3]![1]).toMatch(/"Desktop app" \(not "Web application"\)/);
    expect(steps[4]![1]).toMatch(/Download its JSON/);
    for (const link of [
      'https://console.cloud.google.com/apis/library/youtube.googleapis.com',
      'https://console.cloud.google.com/auth/overview',
      'https://console.cloud.google.com/auth/audience',
      'https://console.cloud.google.com/auth/clients/create',
    ]) {
      expect(text).toMatch(new RegExp(`^ {7}${link.replace(/[.?]/g, '\\$&')}$`, 'm')); // on a line of its own
    }
    // Why the 7-day expiry happens and how publishing avoids it.
    expect(text).toMatch(/"Testing", Google expires its\s+refresh tokens after 7 days/);
    expect(text).toMatch(/"Publish app"/);
    expect(text).toMatch(/^Then run:\n\n {2}ytsync login --client-secret ~\/Downloads\/client_secret_XXXX\.json$/m);
    expect(text.trim().split('\n').at(-1)).toBe('ytsync: no OAuth client yet: set one up as above, then run `ytsync login --client-secret FILE`.');
  });

  it('times out cleanly when the browser never comes back', async () => {
    const result = await runInProcess(['login', '--no-browser', '--timeout', '1'], suite.env);
    expect(result.code).toBe(1);
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('ytsync:'));
    expect(errors).toEqual([expect.stringMatching(/Timed out after 1 s waiting for the browser/)]);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    await expect(stat(credentialsFile())).rejects.toThrow();
  });

  it('exits 3 and stores nothing when consent is refused', async () => {
    suite.emu.oauth.denyNext();
    const result = await loginThroughBrowser([], suite.env);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/did not authorize/);
    expect(await result.page.text()).toMatch(/login failed/);
    await expect(stat(credentialsFile())).rejects.toThrow();
  });

  it('exits 3 and stores nothing when Google refuses the code (invalid_grant)', async () => {
    const { authUrl, done } = startLogin([], suite.env);
    const redirect = await consent(await authUrl);
    redirect.searchParams.set('code', 'not-a-code'); // right state, bogus code
    const page = await fetch(redirect);
    expect(await page.text()).toMatch(/login failed/);
    const result = await done;
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/refused the authorization code/);
    await expect(stat(credentialsFile())).rejects.toThrow();
  });

  it('exits 1 with one line when the token endpoint is unreachable', async () => {
    const tokenUrl = `http://127.0.0.1:${await closedPort()}/token`;
    const result = await loginThroughBrowser([], { ...suite.env, YTSYNC_OAUTH_TOKEN_URL: tokenUrl });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('ytsync:'))).toEqual([
      `ytsync: Could not exchange the authorization code at ${tokenUrl}: ECONNREFUSED.`,
    ]);
  });

  it('closes the loopback port once done', async () => {
    const { authUrl, done } = startLogin([], suite.env);
    const redirect = await consent(await authUrl);
    await fetch(redirect);
    expect((await done).code).toBe(0);
    await expect(fetch(new URL('/', redirect))).rejects.toThrow();
  });

  // The built binary (npm test builds first), as a user runs it: the process must end by itself
  // after login, and the URL must reach the terminal while it waits.
  it('works as a child process of bin/ytsync.js', async () => {
    const { child, done } = spawnCli(['login', '--no-browser', '--port', '0', '--timeout', '20'], suite.env);
    const authUrl = await new Promise<string>((resolve, reject) => {
      let seen = '';
      child.stderr!.on('data', (chunk: string) => {
        seen += chunk;
        const line = /^(https?:\/\/\S+)$/m.exec(seen);
        if (line) resolve(line[1]!);
      });
      child.on('close', () => reject(new Error(`exited before printing a URL:\n${seen}`)));
    });
    expect((await fetch(await consent(authUrl))).status).toBe(200);
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Logged in as .+ \(UC[\w-]+\)\n$/);
    expect((await stat(credentialsFile())).mode & 0o777).toBe(0o600);
  });
});
