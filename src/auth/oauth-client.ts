import { OAuth2Client } from 'google-auth-library';
import { GOOGLE, type Config } from '../config.js';
import { AuthError, UsageError } from '../errors.js';
import { redactUrl } from '../redact.js';
import {
  CredentialsUnreadable,
  FileCredentialStore,
  type CredentialEndpoints,
  type CredentialStore,
  type StoredCredentials,
} from './credential-store.js';

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
  /**
   * Resolves when every refreshed token seen so far is on disk (call before exiting), with why
   * the last save failed, if it did.
   */
  flush: () => Promise<string | undefined>;
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
  refuseOtherEndpoints(credentials, config);

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
  let unsaved: string | undefined;
  client.on('tokens', (tokens) => {
    current = {
      ...current,
      accessToken: tokens.access_token ?? current.accessToken,
      expiryDate: tokens.expiry_date ?? current.expiryDate,
      refreshToken: tokens.refresh_token ?? current.refreshToken,
      savedAt: new Date().toISOString(),
    };
    const snapshot = current;
    // Serialise writes so an older token never lands after a newer one. A failed save costs
    // only a refresh next time (the refresh token does not change), so it is reported, not fatal.
    saving = saving
      .then(() => store.save(snapshot))
      .then(
        () => void (unsaved = undefined),
        (error: Error) => void (unsaved = error.message),
      );
  });
  return {
    client,
    credentials,
    store,
    flush: async () => {
      await saving;
      return unsaved;
    },
  };
}

/** The endpoints a login made with `config` is issued by (kept with the credentials). */
export function endpointsOf(config: Config): CredentialEndpoints {
  return { tokenUrl: config.oauth.tokenUrl, revokeUrl: config.oauth.revokeUrl, apiRoot: config.apiRoot };
}

/** Where stored credentials were issued: as saved, or Google's for files saved before 0.2. */
export function issuedEndpoints(credentials: StoredCredentials): CredentialEndpoints {
  return credentials.endpoints ?? { tokenUrl: GOOGLE.tokenUrl, revokeUrl: GOOGLE.revokeUrl, apiRoot: GOOGLE.apiRoot };
}

/**
 * The refresh token goes only to the endpoint that issued it, the access token only to the API
 * it was issued for. A setting that points elsewhere — a stray .env in the working directory is
 * enough — is refused (exit 2) before anything is sent.
 */
export function refuseOtherEndpoints(credentials: StoredCredentials, config: Config): void {
  const issued = issuedEndpoints(credentials);
  const now = endpointsOf(config);
  const settings: Array<[keyof CredentialEndpoints, string]> = [
    ['tokenUrl', 'YTSYNC_OAUTH_TOKEN_URL'],
    ['revokeUrl', 'YTSYNC_OAUTH_REVOKE_URL'],
    ['apiRoot', 'YTSYNC_API_ROOT'],
  ];
  for (const [key, setting] of settings) {
    if (issued[key] === now[key]) continue;
    throw new UsageError(
      `${setting} is ${redactUrl(now[key])}, but your login was issued for ${redactUrl(issued[key])}: ytsync sends your tokens only ` +
        `where they were issued. Unset ${setting} (is there a stray .env in ${process.cwd()}?), or run \`ytsync login\` again to log in there.`,
    );
  }
}

/** True for Google's answer to a dead refresh token. */
export function isInvalidGrant(error: unknown): boolean {
  const e = error as { message?: string; response?: { data?: { error?: unknown } } } | undefined;
  return e?.response?.data?.error === 'invalid_grant' || /invalid_grant/.test(e?.message ?? '');
}
