import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, sleep } from '../../src/youtube/backoff.js';
import { classify, isTokenEndpointFailure } from '../../src/youtube/failures.js';

/**
 * What a failed request means, and how long ytsync waits before asking again. The emulator's
 * faults always carry a reason and never a Retry-After, so the real API's other shapes (a bare
 * 503 from a front end, Retry-After in seconds or as a date, a reset without an error code) are
 * held here; the retries themselves are held by failures-faults and signals.
 */
const http = (status: number, reason?: string, headers?: unknown) => ({
  response: { status, headers, data: reason ? { error: { errors: [{ reason }] } } : '<html>Service Unavailable</html>' },
});

describe('classify: what a failed request means for the run', () => {
  it('the quota, in both spellings, stops the run; rate limits and 429 are retried', () => {
    expect(classify(http(403, 'quotaExceeded'))).toEqual({ kind: 'quota', reason: 'quotaExceeded' });
    expect(classify(http(403, 'dailyLimitExceeded'))).toEqual({ kind: 'quota', reason: 'dailyLimitExceeded' });
    expect(classify(http(403, 'userRateLimitExceeded'))).toEqual({ kind: 'transient', reason: 'userRateLimitExceeded' });
    expect(classify(http(429))).toEqual({ kind: 'transient', reason: 'HTTP 429' });
    // gaxios puts the status on the error itself when there is no response object.
    expect(classify({ status: 429 })).toEqual({ kind: 'transient', reason: 'HTTP 429', retryAfterMs: undefined });
  });

  it('Retry-After is honoured in seconds or as a date, from fetch Headers or a plain object', () => {
    expect(classify(http(429, undefined, new Headers({ 'Retry-After': '3' })))).toMatchObject({ retryAfterMs: 3000 });
    expect(classify(http(429, undefined, { 'retry-after': '2' }))).toMatchObject({ retryAfterMs: 2000 });
    expect(classify(http(429, undefined, { 'retry-after': '-5' }))).toMatchObject({ retryAfterMs: 0 });
    const at = classify(http(429, undefined, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }));
    expect(at).toMatchObject({ kind: 'transient' });
    const wait = (at as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(55_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(classify(http(429, undefined, { 'retry-after': new Date(Date.now() - 60_000).toUTCString() }))).toMatchObject({ retryAfterMs: 0 });
    expect(classify(http(429, undefined, { 'retry-after': 'soon' }))).toEqual({ kind: 'transient', reason: 'HTTP 429', retryAfterMs: undefined });
    expect(classify(http(429, undefined, { 'retry-after': 7 }))).toEqual({ kind: 'transient', reason: 'HTTP 429', retryAfterMs: undefined });
  });

  it('a bare 5xx or 408 is retried and named by its status', () => {
    expect(classify(http(503))).toEqual({ kind: 'transient', reason: 'HTTP 503' });
    expect(classify(http(500, 'backendError'))).toEqual({ kind: 'transient', reason: 'backendError' });
    expect(classify(http(408))).toEqual({ kind: 'transient', reason: 'HTTP 408' });
  });

  it('a network failure is retried, named by its code wherever the client put it', () => {
    expect(classify({ code: 'ECONNRESET', message: 'read ECONNRESET' })).toEqual({ kind: 'transient', reason: 'ECONNRESET' });
    expect(classify({ message: 'fetch failed', cause: { code: 'UND_ERR_SOCKET' } })).toEqual({ kind: 'transient', reason: 'UND_ERR_SOCKET' });
    expect(classify({ message: 'socket hang up' })).toEqual({ kind: 'transient', reason: 'network error' });
    expect(classify({ message: 'The operation was aborted' })).toEqual({ kind: 'transient', reason: 'network error' });
    expect(classify({ message: 'something else broke' })).toEqual({ kind: 'fatal', reason: 'something else broke' });
    expect(classify('a thrown string')).toEqual({ kind: 'fatal', reason: 'a thrown string' });
  });

  it('401, 404, other 403s, a refused page token and the rest', () => {
    expect(classify(http(401))).toEqual({ kind: 'unauthorized' });
    expect(classify({ status: 401 })).toEqual({ kind: 'unauthorized' });
    expect(classify(http(404, 'playlistNotFound'))).toEqual({ kind: 'notFound', reason: 'playlistNotFound' });
    expect(classify(http(404))).toEqual({ kind: 'notFound', reason: 'notFound' });
    expect(classify(http(403, 'playlistItemsNotAccessible'))).toEqual({ kind: 'refused', reason: 'playlistItemsNotAccessible' });
    expect(classify(http(403))).toEqual({ kind: 'refused', reason: 'forbidden' });
    expect(classify(http(400, 'invalidPageToken'))).toEqual({ kind: 'invalidPageToken' });
    expect(classify(http(400, 'badRequest'))).toEqual({ kind: 'fatal', reason: 'badRequest', status: 400 });
    expect(classify(http(400))).toEqual({ kind: 'fatal', reason: 'HTTP 400', status: 400 });
    expect(classify({ response: { status: 400, data: { error: { status: 'INVALID_ARGUMENT' } } } })).toEqual({ kind: 'fatal', reason: 'INVALID_ARGUMENT', status: 400 });
    expect(classify({ response: { status: 400, data: { error: { errors: [], status: 'INVALID_ARGUMENT' } } } })).toEqual({ kind: 'fatal', reason: 'INVALID_ARGUMENT', status: 400 });
    expect(classify({ message: 'invalid_grant' })).toEqual({ kind: 'invalidGrant' });
  });

  it('a failure at the token endpoint is told from one at YouTube (it costs no quota)', () => {
    const tokenUrl = 'https://oauth2.example/token';
    expect(isTokenEndpointFailure({ config: { url: new URL(`${tokenUrl}?x=1`) } }, tokenUrl)).toBe(true);
    expect(isTokenEndpointFailure({ config: { url: 'https://youtube.example/youtube/v3/videos' } }, tokenUrl)).toBe(false);
    expect(isTokenEndpointFailure({}, tokenUrl)).toBe(false);
    expect(isTokenEndpointFailure(undefined, tokenUrl)).toBe(false);
  });
});

describe('backoffDelay: how long a retry waits', () => {
  const policy = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 5_000 };

  it('doubles per attempt, jittered between half the ceiling and the ceiling, never beyond the cap', () => {
    expect(backoffDelay(policy, 0, undefined, () => 0)).toBe(50);
    expect(backoffDelay(policy, 0, undefined, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, undefined, () => 0.5)).toBe(600);
    expect(backoffDelay(policy, 10, undefined, () => 0)).toBe(2_500);
    expect(backoffDelay(policy, 10, undefined, () => 1)).toBe(5_000);
  });

  it('waits at least what Retry-After asks, up to the cap', () => {
    expect(backoffDelay(policy, 0, 1_200, () => 0)).toBe(1_200);
    expect(backoffDelay(policy, 3, 100, () => 0)).toBe(400);
    expect(backoffDelay(policy, 0, 60_000, () => 0)).toBe(5_000);
    expect(backoffDelay(DEFAULT_BACKOFF, 0, undefined, () => 1)).toBe(DEFAULT_BACKOFF.baseDelayMs);
  });
});

describe('sleep: a back-off that Ctrl-C ends at once', () => {
  it('resolves after the time; rejects with the signal’s reason as soon as it aborts, or at once if it already has', async () => {
    const started = Date.now();
    await sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);

    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    const aborted = Date.now();
    setTimeout(() => controller.abort('SIGINT'), 20);
    await expect(waiting).rejects.toBe('SIGINT');
    expect(Date.now() - aborted).toBeLessThan(5_000);

    await expect(sleep(60_000, AbortSignal.abort('SIGTERM'))).rejects.toBe('SIGTERM');
    // A sleep that ended normally leaves no listener behind to fire later.
    const later = new AbortController();
    await sleep(1, later.signal);
    later.abort('SIGINT');
  });
});
