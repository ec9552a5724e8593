import { describe, it } from 'vitest';

/**
 * Issue 3, acceptance 4–6 (the `pull` side). They need `ytsync pull` (src/commands/pull.ts),
 * which is not written yet. Each needs: an emulator, a YTSYNC_HOME with credentials seeded by
 * `emu.oauth.issueRefreshToken()` (no browser needed; see writeLoggedIn in logout.test.ts),
 * and the embedded database under YTSYNC_HOME.
 */
describe('authorization during pull', () => {
  // 4. Set `emu.oauth.accessTokenTtlSeconds = 1` (or call `emu.oauth.expireAccessTokens()` from a
  //    request hook) with a library big enough for many pages, run `pull`, expect exit 0, a full
  //    mirror, `emu.oauth.stats.refreshes` > 1, and credentials.json holding the *latest* access
  //    token (still mode 0600) — authorizedClient()'s 'tokens' listener persists it.
  it.todo('refreshes expiring access tokens transparently during a long pull and persists the new token');

  // 5. Seed credentials, `emu.oauth.revoke(refreshToken)`, snapshot the database (row counts,
  //    sync_state) and credentials.json, run `pull`: exit 3, stderr one `ytsync:` line matching
  //    /ytsync login/ and /7 days/ (AuthError.tokenRejected()), no stack trace, database and
  //    credentials file unchanged.
  it.todo('exits 3 with the login + 7-day Testing hint when the refresh token was revoked, touching nothing');

  // 6 (second half). After `logout`, `pull` exits 3 with AuthError.notLoggedIn (no credentials file).
  it.todo('pull after logout exits 3 (not logged in)');
});
