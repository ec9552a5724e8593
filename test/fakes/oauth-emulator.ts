/**
 * Google's OAuth 2.0 endpoints for an installed ("Desktop app") client: the consent page
 * (answered at once with a 302 to the loopback redirect), the token endpoint (authorization
 * code + PKCE S256, refresh) and the revoke endpoint. Errors use OAuth's JSON shape
 * ({error, error_description}), not the API's.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const YOUTUBE_READONLY = 'https://www.googleapis.com/auth/youtube.readonly';
const YOUTUBE_FULL = 'https://www.googleapis.com/auth/youtube';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export interface AuthRequestRecord {
  clientId: string | undefined;
  redirectUri: string | undefined;
  /** e.g. "127.0.0.1:53127" */
  redirectHost: string | undefined;
  responseType: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
  accessType: string | undefined;
  prompt: string | undefined;
  scope: string | undefined;
  state: string | undefined;
  accepted: boolean;
  error?: string;
}

export interface ExchangeRecord {
  code: string;
  clientId: string;
  verifierMatched: boolean;
  redirectUriMatched: boolean;
  ok: boolean;
  error?: string;
}

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  used: boolean;
}

interface RefreshGrant {
  clientId: string;
  scope: string;
  revoked: boolean;
}

interface AccessGrant {
  refreshToken: string;
  expiresAt: number;
  revoked: boolean;
}

const sha256url = (s: string): string => createHash('sha256').update(s).digest('base64url');
const token = (prefix: string, bytes: number): string => prefix + randomBytes(bytes).toString('base64url');

export class OAuthEmulator {
  readonly defaultClient: OAuthClient = { clientId: 'test-client.apps.googleusercontent.com', clientSecret: 'test-secret' };
  /** Lifetime of new access tokens; Google's is 3599-3600 s, tests use ~2 s. */
  accessTokenTtlSeconds = 3600;
  readonly authRequests: AuthRequestRecord[] = [];
  readonly exchanges: ExchangeRecord[] = [];
  readonly stats = { authorizations: 0, exchanges: 0, refreshes: 0, refreshFailures: 0, revocations: 0 };

  private readonly clients = new Map<string, string>();
  private readonly codes = new Map<string, CodeGrant>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly accessTokens = new Map<string, AccessGrant>();
  private denials = 0;

  constructor() {
    this.registerClient(this.defaultClient.clientId, this.defaultClient.clientSecret);
  }

  registerClient(clientId: string, clientSecret: string): void {
    this.clients.set(clientId, clientSecret);
  }

  /** The next consent is refused by the "user": 302 with error=access_denied. */
  denyNext(n = 1): void {
    this.denials += n;
  }

  /** Seeds credentials without the browser dance. */
  issueRefreshToken(clientId: string = this.defaultClient.clientId, scope: string = YOUTUBE_READONLY): string {
    const rt = token('1//0', 48);
    this.refreshTokens.set(rt, { clientId, scope, revoked: false });
    return rt;
  }

  /** An access token for direct API calls in tests (new refresh token grant if none given). */
  issueAccessToken(refreshToken?: string, ttlSeconds: number = this.accessTokenTtlSeconds): string {
    const rt = refreshToken ?? this.issueRefreshToken();
    if (!this.refreshTokens.has(rt)) throw new Error('unknown refresh token');
    const at = token('ya29.', 96);
    this.accessTokens.set(at, { refreshToken: rt, expiresAt: Date.now() + ttlSeconds * 1000, revoked: false });
    return at;
  }

  /** Revokes a refresh token or an access token; both kill the whole grant, as at Google. */
  revoke(t: string): boolean {
    const rt = this.refreshTokens.has(t) ? t : this.accessTokens.get(t)?.refreshToken;
    const grant = rt === undefined ? undefined : this.refreshTokens.get(rt);
    if (!grant || grant.revoked) return false;
    grant.revoked = true;
    for (const a of this.accessTokens.values()) if (a.refreshToken === rt) a.revoked = true;
    return true;
  }

  isRevoked(t: string): boolean {
    return this.refreshTokens.get(t)?.revoked ?? this.accessTokens.get(t)?.revoked ?? false;
  }

  /** Makes every issued access token expired now (instead of sleeping past the TTL). */
  expireAccessTokens(): void {
    for (const a of this.accessTokens.values()) a.expiresAt = 0;
  }

  isValidAccessToken(t: string): boolean {
    const a = this.accessTokens.get(t);
    return a !== undefined && !a.revoked && a.expiresAt > Date.now();
  }

  // ---- HTTP ------------------------------------------------------------------------------

  /** Returns false if the path is not an OAuth endpoint. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (path === '/o/oauth2/v2/auth' || path === '/o/oauth2/auth') {
      this.authorize(res, url);
    } else if (path === '/token') {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'invalid_request', error_description: 'POST required' }), true;
      const form = await readForm(req);
      this.token(req, res, form);
    } else if (path === '/revoke') {
      const form = req.method === 'POST' ? await readForm(req) : new URLSearchParams();
      const t = url.searchParams.get('token') ?? form.get('token') ?? '';
      if (this.revoke(t)) {
        this.stats.revocations++;
        sendJson(res, 200, {});
      } else sendJson(res, 400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
    } else return false;
    return true;
  }

  private authorize(res: ServerResponse, url: URL): void {
    const q = (k: string): string | undefined => url.searchParams.get(k) ?? undefined;
    const redirectUri = q('redirect_uri');
    let redirect: URL | undefined;
    try {
      redirect = redirectUri === undefined ? undefined : new URL(redirectUri);
    } catch {
      redirect = undefined;
    }
    const rec: AuthRequestRecord = {
      clientId: q('client_id'), redirectUri, redirectHost: redirect?.host, responseType: q('response_type'),
      codeChallenge: q('code_challenge'), codeChallengeMethod: q('code_challenge_method'), accessType: q('access_type'),
      prompt: q('prompt'), scope: q('scope'), state: q('state'), accepted: false,
    };
    this.authRequests.push(rec);
    const scopes = (rec.scope ?? '').split(/[ +]/);
    let error: string | undefined;
    if (!rec.clientId || !this.clients.has(rec.clientId)) error = 'invalid_client: The OAuth client was not found.';
    // Desktop clients may only use the loopback redirect, on any port.
    else if (!redirect || redirect.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(redirect.hostname)) error = 'invalid_request: redirect_uri must be a loopback address (http://127.0.0.1:<port>)';
    else if (rec.responseType !== 'code') error = 'unsupported_response_type';
    else if (!scopes.includes(YOUTUBE_READONLY) && !scopes.includes(YOUTUBE_FULL)) error = 'invalid_scope: youtube.readonly is required';
    else if (rec.codeChallengeMethod !== 'S256' || !rec.codeChallenge || !/^[A-Za-z0-9_-]{43}$/.test(rec.codeChallenge)) error = 'invalid_request: PKCE with code_challenge_method=S256 is required';
    if (error !== undefined || !redirect || !rec.clientId || !rec.codeChallenge) {
      rec.error = error ?? 'invalid_request';
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><html><body><h1>Error 400: ${escapeHtml(rec.error)}</h1></body></html>`);
      return;
    }
    const target = new URL(redirect.href);
    if (this.denials > 0) {
      this.denials--;
      rec.error = 'access_denied';
      target.searchParams.set('error', 'access_denied');
    } else {
      const code = token('4/0', 40);
      // The token request must repeat redirect_uri exactly as sent here.
      this.codes.set(code, { clientId: rec.clientId, redirectUri: redirectUri ?? '', codeChallenge: rec.codeChallenge, scope: scopes.filter(Boolean).join(' '), used: false });
      rec.accepted = true;
      this.stats.authorizations++;
      target.searchParams.set('code', code);
      target.searchParams.set('scope', scopes.filter(Boolean).join(' '));
    }
    if (rec.state !== undefined) target.searchParams.set('state', rec.state);
    res.writeHead(302, { location: target.href, 'content-type': 'text/html; charset=utf-8' });
    res.end();
  }

  private token(req: IncomingMessage, res: ServerResponse, form: URLSearchParams): void {
    // Client authentication: client_secret_post or HTTP Basic, as google-auth-library can do both.
    let clientId = form.get('client_id') ?? undefined;
    let clientSecret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      clientId = decodeURIComponent(decoded.slice(0, i));
      clientSecret = decodeURIComponent(decoded.slice(i + 1));
    }
    if (clientId === undefined || !this.clients.has(clientId)) {
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    }
    if (this.clients.get(clientId) !== clientSecret) {
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'Unauthorized' });
    }
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') return this.exchange(res, form, clientId);
    if (grantType === 'refresh_token') {
      const rt = form.get('refresh_token') ?? '';
      const grant = this.refreshTokens.get(rt);
      if (!grant || grant.revoked) {
        this.stats.refreshFailures++;
        // The famous one: revoked, unused for 6 months, or 7 days in "Testing" mode.
        return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      }
      if (grant.clientId !== clientId) {
        this.stats.refreshFailures++;
        return sendJson(res, 400, { error: 'unauthorized_client', error_description: 'Unauthorized' });
      }
      this.stats.refreshes++;
      const at = this.issueAccessToken(rt);
      return sendJson(res, 200, { access_token: at, expires_in: this.accessTokenTtlSeconds, scope: grant.scope, token_type: 'Bearer' });
    }
    sendJson(res, 400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grantType ?? ''}` });
  }

  private exchange(res: ServerResponse, form: URLSearchParams, clientId: string): void {
    this.stats.exchanges++;
    const code = form.get('code') ?? '';
    const grant = this.codes.get(code);
    const verifier = form.get('code_verifier');
    const rec: ExchangeRecord = {
      code, clientId, ok: false,
      verifierMatched: grant !== undefined && verifier !== null && sha256url(verifier) === grant.codeChallenge,
      redirectUriMatched: grant !== undefined && form.get('redirect_uri') === grant.redirectUri,
    };
    this.exchanges.push(rec);
    const fail = (status: number, error: string, description: string): void => {
      rec.error = error;
      sendJson(res, status, { error, error_description: description });
    };
    if (!grant || grant.clientId !== clientId) return fail(400, 'invalid_grant', 'Malformed auth code.');
    if (grant.used) return fail(400, 'invalid_grant', 'Bad Request'); // codes are single-use
    if (!rec.redirectUriMatched) return fail(400, 'redirect_uri_mismatch', 'Bad Request');
    if (verifier === null) return fail(400, 'invalid_grant', 'Missing code verifier.');
    if (!rec.verifierMatched) return fail(400, 'invalid_grant', 'Invalid code verifier.');
    grant.used = true;
    rec.ok = true;
    const rt = this.issueRefreshToken(clientId, grant.scope);
    const at = this.issueAccessToken(rt);
    sendJson(res, 200, { access_token: at, expires_in: this.accessTokenTtlSeconds, refresh_token: rt, scope: grant.scope, token_type: 'Bearer' });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' });
  res.end(JSON.stringify(body));
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    try {
      const obj = JSON.parse(text) as Record<string, unknown>;
      return new URLSearchParams(Object.entries(obj).map(([k, v]): [string, string] => [k, String(v)]));
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(text);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}
