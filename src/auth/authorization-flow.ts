import { randomBytes, timingSafeEqual } from 'node:crypto';
import { CodeChallengeMethod, type Credentials, type OAuth2Client } from 'google-auth-library';
import { AuthError, ExitCode, YtsyncError } from '../errors.js';
import { LoopbackServer, type Redirect } from './loopback.js';
import { isInvalidGrant, YOUTUBE_READONLY_SCOPE } from './oauth-client.js';

/** Tokens of a fresh authorization; the refresh token is what later commands live on. */
export type GrantedTokens = Credentials & { refresh_token: string };

/**
 * The authorization-code flow with `state` and PKCE S256 kept inside: a variant only says
 * where the browser comes back to and how the redirect is received.
 */
export abstract class AuthorizationCodeFlow {
  constructor(protected readonly client: OAuth2Client) {}

  /** The redirect URI of this variant; called once, before the authorization URL is built. */
  protected abstract prepareRedirectUri(): Promise<string>;
  /** Shows the URL to the user and waits for a redirect whose state passes the check. */
  protected abstract receiveRedirect(authUrl: string, isExpectedState: (state: string) => boolean): Promise<Redirect>;
  /** Releases whatever prepareRedirectUri acquired; always called. */
  protected abstract dispose(): Promise<void>;

  async authorize(): Promise<GrantedTokens> {
    try {
      const redirectUri = await this.prepareRedirectUri();
      const { codeVerifier, codeChallenge } = await this.client.generateCodeVerifierAsync();
      const state = randomBytes(32).toString('base64url');
      const authUrl = this.client.generateAuthUrl({
        redirect_uri: redirectUri,
        scope: [YOUTUBE_READONLY_SCOPE],
        // offline: we need a refresh token. consent: without it, a second login of the same
        // account may come back with no refresh token at all.
        access_type: 'offline',
        prompt: 'consent',
        state,
        code_challenge: codeChallenge,
        code_challenge_method: CodeChallengeMethod.S256,
      });
      const redirect = await this.receiveRedirect(authUrl, (candidate) => sameSecret(candidate, state));
      try {
        const tokens = await this.exchange(redirect.params, codeVerifier, redirectUri);
        redirect.respond({ ok: true });
        return tokens;
      } catch (error) {
        redirect.respond({ ok: false, message: error instanceof YtsyncError ? error.message : 'The authorization code could not be exchanged.' });
        throw error;
      }
    } finally {
      await this.dispose();
    }
  }

  private async exchange(params: URLSearchParams, codeVerifier: string, redirectUri: string): Promise<GrantedTokens> {
    const denied = params.get('error');
    if (denied !== null) {
      throw new AuthError(`Google did not authorize ytsync (${denied}); nothing was stored. Run \`ytsync login\` again and allow access.`);
    }
    let tokens: Credentials;
    try {
      ({ tokens } = await this.client.getToken({ code: params.get('code') ?? '', codeVerifier, redirect_uri: redirectUri }));
    } catch (error) {
      if (isInvalidGrant(error)) {
        // Here invalid_grant means the *code* was refused (expired, already used, PKCE mismatch),
        // not a stored refresh token, so tokenRejected()'s advice would mislead.
        throw new AuthError('Google refused the authorization code (invalid_grant); nothing was stored. Run `ytsync login` again.');
      }
      throw new YtsyncError(`Could not exchange the authorization code at ${this.tokenUrl()}: ${describeHttpError(error)}.`, ExitCode.failure);
    }
    if (!tokens.refresh_token) {
      throw new AuthError('Google returned no refresh token, so ytsync could not stay logged in. Run `ytsync login` again.');
    }
    return tokens as GrantedTokens;
  }

  private tokenUrl(): string {
    return this.client.endpoints.oauth2TokenUrl.toString();
  }
}

/** The variant for a command line: a LoopbackServer on 127.0.0.1 receives the redirect. */
export class LoopbackAuthorizationFlow extends AuthorizationCodeFlow {
  private server: LoopbackServer | undefined;

  constructor(
    client: OAuth2Client,
    private readonly options: {
      port: number;
      timeoutSeconds: number;
      signal?: AbortSignal;
      /** Prints the URL and (unless --no-browser) opens it. */
      presentUrl: (authUrl: string) => void;
    },
  ) {
    super(client);
  }

  protected async prepareRedirectUri(): Promise<string> {
    this.server = await LoopbackServer.listen(this.options.port);
    return this.server.redirectUri;
  }

  protected async receiveRedirect(authUrl: string, isExpectedState: (state: string) => boolean): Promise<Redirect> {
    this.options.presentUrl(authUrl);
    return this.server!.waitForRedirect(isExpectedState, this.options);
  }

  protected async dispose(): Promise<void> {
    await this.server?.close();
  }
}

function sameSecret(candidate: string, expected: string): boolean {
  const a = Buffer.from(candidate);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * One line about a failed HTTP call that cannot leak a secret: the OAuth error code or the
 * status or the network error code, never the request (which carries codes and tokens).
 */
export function describeHttpError(error: unknown): string {
  const e = error as { code?: unknown; status?: unknown; response?: { status?: number; data?: { error?: unknown } } };
  const oauthError = e?.response?.data?.error;
  if (typeof oauthError === 'string') return `${oauthError} (HTTP ${e.response?.status})`;
  if (e?.response?.status) return `HTTP ${e.response.status}`;
  if (typeof e?.code === 'string') return e.code;
  const cause = (error as { cause?: { code?: unknown } })?.cause?.code;
  if (typeof cause === 'string') return cause;
  return 'network error';
}
