import { isInvalidGrant } from '../auth/oauth-client.js';

/**
 * What a failed request means for the run. YouTube reports most conditions as 403 with a
 * `reason`, so the status code alone decides little.
 */
export type Failure =
  /** quotaExceeded (youtube.quota) or the older dailyLimitExceeded (usageLimits): stop cleanly. */
  | { kind: 'quota'; reason: string }
  /** 5xx, 429, rate-limit 403s, resets, timeouts: back off and retry. */
  | { kind: 'transient'; reason: string; retryAfterMs?: number }
  /** 401: the access token is no good; refresh it once. */
  | { kind: 'unauthorized' }
  /** The refresh token is dead (revoked, expired, Testing-mode 7 days). */
  | { kind: 'invalidGrant' }
  /** 404 playlistNotFound and kin. */
  | { kind: 'notFound'; reason: string }
  /** Any other 403 (playlistItemsNotAccessible, forbidden…): YouTube won't let us read this one thing. */
  | { kind: 'refused'; reason: string }
  /** 400 invalidPageToken: a stored token the API no longer accepts. */
  | { kind: 'invalidPageToken' }
  | { kind: 'fatal'; reason: string; status?: number };

interface HttpishError {
  status?: number;
  code?: string | number;
  message?: string;
  cause?: { code?: string };
  config?: { url?: string | URL };
  response?: { status?: number; headers?: unknown; data?: unknown };
}

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded']);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

function reasonOf(data: unknown): string | undefined {
  const error = (data as { error?: { errors?: Array<{ reason?: string }>; status?: string } } | undefined)?.error;
  return error?.errors?.[0]?.reason ?? error?.status;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function retryAfterMs(headers: unknown): number | undefined {
  const raw = headerValue(headers, 'retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function classify(error: unknown): Failure {
  if (isInvalidGrant(error)) return { kind: 'invalidGrant' };
  const e = (error ?? {}) as HttpishError;
  const status = e.response?.status ?? e.status;
  const reason = reasonOf(e.response?.data) ?? '';
  if (status === undefined) {
    const code = String(e.code ?? e.cause?.code ?? '');
    if (NETWORK_CODES.has(code) || /network|socket|fetch failed|timeout|aborted/i.test(e.message ?? '')) {
      return { kind: 'transient', reason: code || 'network error' };
    }
    return { kind: 'fatal', reason: e.message ?? String(error) };
  }
  if (QUOTA_REASONS.has(reason)) return { kind: 'quota', reason };
  if (status === 429 || RATE_LIMIT_REASONS.has(reason)) {
    return { kind: 'transient', reason: reason || 'HTTP 429', retryAfterMs: retryAfterMs(e.response?.headers) };
  }
  if (status >= 500 || status === 408) return { kind: 'transient', reason: reason || `HTTP ${status}` };
  if (status === 401) return { kind: 'unauthorized' };
  if (status === 404) return { kind: 'notFound', reason: reason || 'notFound' };
  if (status === 403) return { kind: 'refused', reason: reason || 'forbidden' };
  if (status === 400 && reason === 'invalidPageToken') return { kind: 'invalidPageToken' };
  return { kind: 'fatal', reason: reason || `HTTP ${status}`, status };
}

/** True when the failure happened at the OAuth token endpoint, not at YouTube: it costs no quota. */
export function isTokenEndpointFailure(error: unknown, tokenUrl: string): boolean {
  const url = (error as HttpishError | undefined)?.config?.url;
  return url !== undefined && String(url).startsWith(tokenUrl);
}
