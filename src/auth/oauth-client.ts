import { OAuth2Client } from 'google-auth-library';
import type { Config } from '../config.js';
import { AuthError } from '../errors.js';
import { CredentialsUnreadable, FileCredentialStore, type CredentialStore, type StoredCredentials } from './credential-store.js';

export const YOUTUBE_READONLY_SCOPE = 'https://www.googleapis.com/auth/youtube.readonly';

/** An OAuth2Client for the given client id/secret, talking to the configured endpoints. */
export function newOAuthClient(config: Config, clientId: string, clientSecret: string, redirectUri?: string): OAuth2Client {
  return new OAuth2Client({
    clientId,
    clientSecret,
    redirectUri,
    endpoints: {
      oauth2AuthBaseUrl: config.oauth.authUrl,
      oauth2TokenUrl: config.oauth.tokenUrl,
      oauth2RevokeUrl: config.oauth.revokeUrl,
    },
  });
}

export function credentialStore(config: Config): CredentialStore {
  return new FileCredentialStore(config.credentialsPath);
}

/**
 * The stored credentials as a ready OAuth2Client. Refreshed access tokens are written back
 * (the 'tokens' event) so the next command does not refresh again.
 * Throws AuthError (exit 3) when there is no usable credentials file.
 */
export async function authorizedClient(
  config: Config,
  store: CredentialStore = credentialStore(config),
): Promise<{
  client: OAuth2Client;
  credentials: StoredCredentials;
  store: CredentialStore;
  /** Resolves when every refreshed token seen so far is on disk (call before exiting). */
  flush: () => Promise<void>;
}> {
  let credentials: StoredCredentials | undefined;
  try {
    credentials = await store.load();
  } catch (error) {
    if (error instanceof CredentialsUnreadable) {
      throw AuthError.notLoggedIn(`The credentials file is unusable (${error.message}).`);
    }
    throw error;
  }
  if (!credentials) throw AuthError.notLoggedIn(`Not logged in (no ${store.location}).`);

  const client = newOAuthClient(config, credentials.clientId, credentials.clientSecret);
  client.setCredentials({
    refresh_token: credentials.refreshToken,
    access_token: credentials.accessToken,
    // Without an expiry the library would treat every 401/403 as "maybe expired" and retry it
    // (an extra, counted call after a quotaExceeded); 1 = "long expired": refresh before use.
    expiry_date: credentials.expiryDate ?? 1,
  });
  let current = credentials;
  let saving: Promise<void> = Promise.resolve();
  client.on('tokens', (tokens) => {
    current = {
      ...current,
      accessToken: tokens.access_token ?? current.accessToken,
      expiryDate: tokens.expiry_date ?? current.expiryDate,
      refreshToken: tokens.refresh_token ?? current.refreshToken,
      savedAt: new Date().toISOString(),
    };
    const snapshot = current;
    // Serialise writes so an older token never lands after a newer one.
    saving = saving.then(() => store.save(snapshot)).catch(() => undefined);
  });
  return { client, credentials, store, flush: () => saving };
}

/** True for Google's answer to a dead refresh token. */
export function isInvalidGrant(error: unknown): boolean {
  const e = error as { message?: string; response?: { data?: { error?: unknown } } } | undefined;
  return e?.response?.data?.error === 'invalid_grant' || /invalid_grant/.test(e?.message ?? '');
}
