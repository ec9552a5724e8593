import type { StoredCredentials } from '../../src/auth/credential-store.js';
import type { YouTubeEmulator } from '../fakes/youtube-emulator.js';

/**
 * Credentials as `ytsync login` against the emulator leaves them: its client, a refresh token it
 * issued, and the emulator's endpoints as the ones they were issued by (see emulatorEnv).
 */
export function emulatorCredentials(emulator: YouTubeEmulator, refreshToken = emulator.oauth.issueRefreshToken()): StoredCredentials {
  const { clientId, clientSecret } = emulator.oauth.defaultClient;
  return {
    version: 1,
    clientId,
    clientSecret,
    refreshToken,
    endpoints: { tokenUrl: emulator.oauthUrls.token, revokeUrl: emulator.oauthUrls.revoke, apiRoot: emulator.url },
    savedAt: new Date().toISOString(),
  };
}
