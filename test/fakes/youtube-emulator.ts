/**
 * YouTubeEmulator: a local HTTP server faking the YouTube Data API v3 (the list methods
 * ytsync uses) and Google's OAuth endpoints, with Google's quota accounting, etags/304,
 * offset page tokens and deterministic fault injection.
 *
 *   const emu = await YouTubeEmulator.start({ library: generateLibrary({ seed: 1 }) });
 *   // program: YTSYNC_API_ROOT=emu.url, YTSYNC_OAUTH_*_URL=emu.oauthUrls.*
 *   await emu.stop();
 *
 * Pessimistic by default: where the real API's behaviour varies or is unknown, the emulator
 * does the inconvenient thing (see the quirks options below, YOUTUBE-API.md for the facts).
 *
 * Request pipeline for `/youtube/v3/<resource>` (the order is part of the contract):
 *   latency → quota exhausted? (403, 0 units) → bearer token valid? (401, 1 unit)
 *   → injected fault (1 unit; a fake quotaExceeded costs 0) → the method (1 unit; 304 too).
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { handlers, type Quirks } from './api-handlers.js';
import { sameEtag, type EtagStyle, type PlaylistEtagMode } from './api-resources.js';
import { FaultInjector, type FaultConfig, type FaultKind } from './faults.js';
import { generateLibrary } from './generate-library.js';
import { ApiError, apiErrors, type QuotaVariant } from './google-errors.js';
import type { Library } from './library.js';
import { OAuthEmulator } from './oauth-emulator.js';

export interface YouTubeEmulatorOptions {
  /** Default: generateLibrary({ seed: 1, playlists: 4, items: 120, likes: 20 }). */
  library?: Library;
  /** Units per quota day (default 10000, Google's default). */
  dailyLimit?: number;
  /** Which 403 a spent quota answers: modern youtube.quota/quotaExceeded (default) or usageLimits/dailyLimitExceeded. */
  quotaExceededVariant?: QuotaVariant;
  /** 'volatile' (default): playlistItems etags change on every call, as community reports describe. */
  playlistItemsEtags?: 'stable' | 'volatile';
  /** 'volatile' (default, unknown for the real API): subscriptions etags change on every call too. */
  subscriptionsEtags?: 'stable' | 'volatile';
  /** 'metadata' (default): a playlist's etag ignores changes to its items; 'items': it hashes them too. */
  playlistEtags?: PlaylistEtagMode;
  /** 'legacy' (default): quoted etags with a slash, as older recordings show; 'plain': today's form. */
  etagStyle?: EtagStyle;
  accessTokenTtlSeconds?: number;
  faults?: FaultConfig;
  /** Default 0 (any free port). */
  port?: number;
}

export interface RequestInfo {
  seq: number;
  method: string;
  resource: string;
  query: Record<string, string>;
  /** HTTP status sent; 0 when the socket was reset without a response. */
  status: number;
  units: 0 | 1;
  notModified: boolean;
  /** Google's error reason, if any. */
  reason?: string;
  fault?: FaultKind;
}

export interface EmulatorStats {
  requests: number;
  byResource: Record<string, number>;
  notModified: number;
  faults: number;
  unauthorized: number;
  quotaRefused: number;
}

export class QuotaLedger {
  used = 0;
  /** Requests refused because the quota was spent (they cost nothing). */
  refused = 0;
  /** Incremented by resetDay(). */
  day = 0;
  constructor(public limit: number, public variant: QuotaVariant) {}
  get remaining(): number {
    return this.spentEarly ? 0 : Math.max(0, this.limit - this.used);
  }
  /** Set by exhaustAt when its request arrives: the day's quota is gone whatever the limit. */
  private spentEarly = false;
  private trigger: ((request: { resource: string; query: Record<string, string> }) => boolean) | undefined;
  get exhausted(): boolean {
    return this.spentEarly || this.used >= this.limit;
  }
  /**
   * The quota runs out right before the first request that `match`es (checked on arrival, in
   * arrival order): that request and every later one of the day are refused. For "exactly at
   * this pass boundary" when the number of requests before it is not known in advance.
   */
  exhaustAt(match: (request: { resource: string; query: Record<string, string> }) => boolean): void {
    this.trigger = match;
  }
  /** The pipeline's quota check for one arriving request. */
  refuses(resource: string, query: Record<string, string>): boolean {
    if (this.trigger?.({ resource, query })) {
      this.trigger = undefined;
      this.spentEarly = true;
    }
    return this.exhausted;
  }
  /** Midnight America/Los_Angeles has passed: a fresh quota day. */
  resetDay(): void {
    this.used = 0;
    this.spentEarly = false;
    this.day++;
  }
  setLimit(n: number): void {
    this.limit = n;
  }
}

export class YouTubeEmulator extends EventEmitter {
  library: Library;
  readonly quota: QuotaLedger;
  readonly faults = new FaultInjector();
  readonly oauth = new OAuthEmulator();
  readonly requests: RequestInfo[] = [];
  readonly stats: EmulatorStats = {
    requests: 0, byResource: { channels: 0, playlists: 0, playlistItems: 0, videos: 0, subscriptions: 0 },
    notModified: 0, faults: 0, unauthorized: 0, quotaRefused: 0,
  };
  playlistItemsEtags: 'stable' | 'volatile';
  subscriptionsEtags: 'stable' | 'volatile';
  readonly quirks: Quirks;

  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private seq = 0;
  private volatileCounter = 0;
  private stopped = false;
  private baseUrl = '';
  private readonly port: number;

  constructor(opts: YouTubeEmulatorOptions = {}) {
    super();
    this.library = opts.library ?? generateLibrary({ seed: 1, playlists: 4, items: 120, likes: 20 });
    this.quota = new QuotaLedger(opts.dailyLimit ?? 10_000, opts.quotaExceededVariant ?? 'quotaExceeded');
    this.playlistItemsEtags = opts.playlistItemsEtags ?? 'volatile';
    this.subscriptionsEtags = opts.subscriptionsEtags ?? 'volatile';
    this.quirks = { etagStyle: opts.etagStyle ?? 'legacy', playlistEtags: opts.playlistEtags ?? 'metadata' };
    if (opts.accessTokenTtlSeconds !== undefined) this.oauth.accessTokenTtlSeconds = opts.accessTokenTtlSeconds;
    if (opts.faults) this.faults.set(opts.faults);
    this.port = opts.port ?? 0;
  }

  static async start(opts: YouTubeEmulatorOptions = {}): Promise<YouTubeEmulator> {
    return new YouTubeEmulator(opts).start();
  }

  /** API root with a trailing slash: requests go to `${url}youtube/v3/<resource>`. */
  get url(): string {
    if (!this.baseUrl) throw new Error('emulator not started');
    return this.baseUrl;
  }

  get oauthUrls(): { auth: string; token: string; revoke: string } {
    return { auth: `${this.url}o/oauth2/v2/auth`, token: `${this.url}token`, revoke: `${this.url}revoke` };
  }

  /** Convenience for tests calling the API directly: a valid access token of the default client. */
  issueAccessToken(): string {
    return this.oauth.issueAccessToken();
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          const e = new ApiError(500, 'backendError', 'global', `emulator bug: ${String(err)}`);
          this.send(res, 500, e.body());
        }
      });
    });
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return this;
  }

  /** Closes the server and every socket (keep-alive ones included), cancels pending latency. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.sleeps) {
      clearTimeout(s.timer);
      s.resolve();
    }
    this.sleeps.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { timer: setTimeout(() => { this.sleeps.delete(entry); resolve(); }, ms), resolve };
      this.sleeps.add(entry);
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (await this.oauth.handle(req, res, url)) return;
    const m = /^\/youtube\/v3\/([A-Za-z]+)\/?$/.exec(url.pathname);
    if (!m?.[1]) {
      // Not part of the API: no quota, not recorded.
      req.resume();
      this.send(res, 404, apiErrors.notFound(url.pathname).body());
      return;
    }
    req.resume();
    await this.api(req, res, m[1], url);
  }

  private async api(req: IncomingMessage, res: ServerResponse, resource: string, url: URL): Promise<void> {
    const seq = ++this.seq;
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
    const info: RequestInfo = { seq, method: req.method ?? 'GET', resource, query, status: 0, units: 0, notModified: false };

    if (this.faults.latencyMs > 0) await this.sleep(this.faults.latencyMs);
    if (this.stopped) return;

    let status = 200;
    let body: unknown;
    const fail = (e: ApiError): void => {
      status = e.status;
      body = e.body();
      info.reason = e.reason;
    };

    if (this.quota.refuses(resource, query)) {
      // Refused for quota: the one kind of request Google does not charge.
      fail(apiErrors.quota(this.quota.variant));
      this.quota.refused++;
      this.stats.quotaRefused++;
    } else {
      info.units = 1;
      const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      const authOk = auth?.[1] !== undefined && this.oauth.isValidAccessToken(auth[1]);
      const fault = authOk ? this.faults.draw(resource) : undefined;
      if (fault !== undefined) {
        info.fault = fault;
        this.stats.faults++;
      }
      if (!authOk || fault === '401') {
        fail(apiErrors.unauthenticated());
        this.stats.unauthorized++;
      } else if (fault !== undefined) {
        if (fault === 'reset') {
          this.charge(info);
          req.socket.destroy();
          this.finish(info);
          return;
        }
        fail(faultError(fault, this.quota.variant));
        if (fault === 'quotaExceeded') {
          info.units = 0;
          this.quota.refused++;
          this.stats.quotaRefused++;
        }
      } else if (req.method !== 'GET') {
        fail(apiErrors.methodNotAllowed(req.method ?? ''));
      } else {
        const handler = handlers[resource];
        if (!handler) fail(apiErrors.notFound(url.pathname));
        else {
          try {
            const salt = this.playlistItemsEtags === 'volatile' ? `v${++this.volatileCounter}` : undefined;
            const subscriptionsSalt = this.subscriptionsEtags === 'volatile' ? `s${++this.volatileCounter}` : undefined;
            const out = handler({
              lib: this.library,
              query,
              quirks: this.quirks,
              call: seq,
              ...(salt ? { playlistItemsSalt: salt } : {}),
              ...(subscriptionsSalt ? { subscriptionsSalt } : {}),
            });
            if (sameEtag(req.headers['if-none-match'], out.etag)) {
              status = 304;
              info.notModified = true;
              this.stats.notModified++;
            } else body = out;
          } catch (e) {
            if (!(e instanceof ApiError)) throw e;
            fail(e);
          }
        }
      }
    }
    this.charge(info);
    this.send(res, status, body);
    info.status = status;
    this.finish(info);
  }

  private charge(info: RequestInfo): void {
    this.quota.used += info.units;
    this.stats.requests++;
    this.stats.byResource[info.resource] = (this.stats.byResource[info.resource] ?? 0) + 1;
  }

  private finish(info: RequestInfo): void {
    if (info.fault === undefined) delete info.fault;
    this.requests.push(info);
    this.emit('request', info);
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed || res.headersSent) return;
    if (status === 304 || body === undefined) {
      res.writeHead(status);
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(text),
      vary: 'Origin, X-Origin, Referer',
    });
    res.end(text);
  }
}

function faultError(kind: Exclude<FaultKind, 'reset' | '401'>, variant: QuotaVariant): ApiError {
  switch (kind) {
    case '500': return apiErrors.backend(500);
    case '503': return apiErrors.backend(503);
    case '429': return apiErrors.tooManyRequests();
    case 'rateLimitExceeded': return apiErrors.rateLimitExceeded();
    case 'userRateLimitExceeded': return apiErrors.userRateLimitExceeded();
    case 'quotaExceeded': return apiErrors.quota(variant);
    case 'invalidPageToken': return apiErrors.invalidPageToken();
    case 'badRequest': return apiErrors.tooManyIds();
  }
}
