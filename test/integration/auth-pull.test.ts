import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredCredentials } from '../../src/auth/credential-store.js';
import type { RequestInfo } from '../fakes/youtube-emulator.js';
import { runInProcess } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { expectExactMirror, readMirror } from '../support/mirror.js';
import { minimumUnits, rowWrites } from '../support/quota.js';
import { expectNoStackTrace, playlistWrites, startScenario, tableCounts, type Scenario } from '../support/scenario.js';

/**
 * Issue 3, acceptance 4–6 (the `pull` side): access tokens expiring during a long pull, a
 * revoked refresh token, and `pull` after `logout`. Credentials are seeded as `ytsync login`
 * leaves them (a refresh token the emulator issued, no access token yet).
 */
describe(`authorization during pull (${TEST_DATABASE})`, () => {
  let s: Scenario;

  beforeEach(async () => {
    s = await startScenario({ seed: 61, playlists: 7, items: 350, likes: 50 });
  });
  afterEach(async () => {
    await s.stop();
  });

  const credentialsFile = () => path.join(s.ws.home, 'credentials.json');
  const readCredentials = async () => JSON.parse(await readFile(credentialsFile(), 'utf8')) as StoredCredentials;

  /** Records every access token the emulator hands out (its token endpoint calls issueAccessToken). */
  function trackIssuedAccessTokens(): string[] {
    const issued: string[] = [];
    const oauth = s.emulator.oauth;
    const issue = oauth.issueAccessToken.bind(oauth);
    oauth.issueAccessToken = (refreshToken?: string, ttlSeconds?: number) => {
      const t = issue(refreshToken, ttlSeconds);
      issued.push(t);
      return t;
    };
    return issued;
  }

  it('refreshes expiring access tokens transparently during a long pull and persists the new token', async () => {
    const issued = trackIssuedAccessTokens();
    let apiRequests = 0;
    let expirations = 0;
    const onRequest = (info: RequestInfo) => {
      // Every 8th answered request, all access tokens die (as if an hour had passed).
      if (info.status !== 401 && ++apiRequests % 8 === 0) {
        s.emulator.oauth.expireAccessTokens();
        expirations++;
      }
    };
    s.emulator.on('request', onRequest);
    const result = await runInProcess(['pull', '--json'], s.ws.env);
    s.emulator.off('request', onRequest);

    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).outcome).toBe('complete');
    expectNoStackTrace(result.stderr);
    expect(expirations).toBeGreaterThanOrEqual(2);
    // One refresh to start with, then one per expiry that a later request ran into.
    expect(s.emulator.oauth.stats.refreshes).toBeGreaterThan(1);
    expect(s.emulator.oauth.stats.refreshFailures).toBe(0);
    const expected = s.emulator.library.expectedMirror();
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), expected));
    // An expiry costs at most the requests in flight at that moment (4 playlists at once by
    // default) one 401 each, and each of those is retried once with a fresh token.
    expect(s.emulator.stats.unauthorized).toBeLessThanOrEqual(expirations * 4);
    expect(s.emulator.quota.used).toBeLessThanOrEqual(minimumUnits(expected) + s.emulator.stats.unauthorized);

    // The latest access token is on disk (so the next command need not refresh), mode 0600.
    const stored = await readCredentials();
    expect(stored.accessToken).toBe(issued.at(-1));
    expect(stored.refreshToken).toBe(s.refreshToken);
    expect(stored.expiryDate).toBeGreaterThan(Date.now());
    expect((await stat(credentialsFile())).mode & 0o777).toBe(0o600);
    // 0711 only beside a private server run as another user (ytsync as root): others may pass, not list.
    expect((await stat(s.ws.home)).mode & 0o777).toBe(TEST_DATABASE === 'embedded' && process.getuid?.() === 0 ? 0o711 : 0o700);
    // Never printed.
    for (const t of [s.refreshToken, ...issued]) {
      expect(result.stdout).not.toContain(t);
      expect(result.stderr).not.toContain(t);
    }
  });

  it('refreshes when access tokens live only a second', async () => {
    s.emulator.oauth.accessTokenTtlSeconds = 1;
    s.emulator.faults.set({ latencyMs: 40 }); // a pull of a few seconds: several lifetimes
    const issued = trackIssuedAccessTokens();
    const result = await runInProcess(['pull'], s.ws.env);
    expect(result.code, result.stderr).toBe(0);
    expect(s.emulator.oauth.stats.refreshes).toBeGreaterThan(1);
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), s.emulator.library.expectedMirror()));
    expect((await readCredentials()).accessToken).toBe(issued.at(-1));
    expect((await stat(credentialsFile())).mode & 0o777).toBe(0o600);
  });

  it('exits 3 with the login + 7-day Testing hint when the refresh token was revoked, touching nothing', async () => {
    const first = await runInProcess(['pull'], s.ws.env);
    expect(first.code, first.stderr).toBe(0);
    // The user changes something on YouTube, then Google kills the token.
    const lib = s.emulator.library;
    lib.renameVideo(lib.referencedVideoIds()[0]!, 'renamed after the token died');
    const shrunk = lib.playlists.find((p) => p.items.length > 0)!;
    lib.removeItem(shrunk.id, shrunk.items[0]!.id);
    s.emulator.oauth.revoke(s.refreshToken);

    const snapshot = () =>
      s.ws.withDb(async (db) => ({ counts: await tableCounts(db), writes: await rowWrites(db), playlists: await playlistWrites(db) }));
    const before = await snapshot();
    const credentialsBefore = await readFile(credentialsFile(), 'utf8');
    const usedBefore = s.emulator.quota.used;

    const result = await runInProcess(['pull'], s.ws.env);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n').filter((l) => l.startsWith('ytsync:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ytsync login/);
    expect(lines[0]).toMatch(/7 days/);
    expect(lines[0]).toMatch(/Testing/);
    expectNoStackTrace(result.stderr);
    expect(s.emulator.oauth.stats.refreshFailures).toBeGreaterThan(0);

    const after = await snapshot();
    // The mirror is as it was; only the unit YouTube charged for the refused request (a 401) is on the ledger.
    const spent = s.emulator.quota.used - usedBefore;
    expect(spent).toBeLessThanOrEqual(1);
    expect(after).toEqual({ ...before, counts: { ...before.counts, ledger_units: before.counts.ledger_units! + spent } });
    expect(await readFile(credentialsFile(), 'utf8')).toBe(credentialsBefore);
    expect(result.stderr + result.stdout).not.toContain(s.refreshToken);
  });

  it('a 401 on a request is answered by one refresh and the request again; a second 401 right after it exits 3 with a login hint', async () => {
    // Once: the access token is dropped and refreshed, the request sent again, the pull completes.
    s.emulator.faults.failNext(1, '401', 'playlistItems');
    const once = await runInProcess(['pull'], s.ws.env);
    expect(once.code, once.stderr).toBe(0);
    // One refresh to start with (login leaves no access token), one after the 401.
    expect(s.emulator.oauth.stats.refreshes).toBe(2);
    await s.ws.withDb(async (db) => expectExactMirror(await readMirror(db), s.emulator.library.expectedMirror()));

    // Twice in a row for one request: the freshly refreshed token is refused too — no loop.
    s.emulator.faults.failNext(2, '401', 'playlistItems');
    const twice = await runInProcess(['pull', '--concurrency', '1'], s.ws.env);
    expect(twice.code, twice.stderr).toBe(3);
    const lines = twice.stderr.trim().split('\n').filter((l) => l.startsWith('ytsync:'));
    expect(lines).toEqual(['ytsync: YouTube refused a freshly refreshed access token. Run `ytsync login` again.']);
    expectNoStackTrace(twice.stderr);
    expect(s.emulator.faults.pending).toBe(0);
  });

  it('exits 3 without asking YouTube when the token was revoked before the first pull', async () => {
    s.emulator.oauth.revoke(s.refreshToken);
    const result = await runInProcess(['pull'], s.ws.env);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/ytsync login/);
    expect(result.stderr).toMatch(/7 days/);
    expectNoStackTrace(result.stderr);
    expect(s.emulator.stats.requests).toBe(0);
    expect(s.emulator.quota.used).toBe(0);
  });

  it('pull after logout exits 3 (not logged in)', async () => {
    const logout = await runInProcess(['logout'], s.ws.env);
    expect(logout.code, logout.stderr).toBe(0);
    expect(s.emulator.oauth.isRevoked(s.refreshToken)).toBe(true);

    const result = await runInProcess(['pull'], s.ws.env);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/[Nn]ot logged in/);
    expect(result.stderr).toMatch(/ytsync login/);
    expectNoStackTrace(result.stderr);
    expect(s.emulator.stats.requests).toBe(0);
    expect(s.emulator.oauth.stats.refreshes + s.emulator.oauth.stats.refreshFailures).toBe(0);
  });
});
