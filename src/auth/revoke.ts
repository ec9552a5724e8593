/** How a revocation went; `reason` never contains the token. */
export type RevokeOutcome = { ok: true; alreadyInvalid: boolean } | { ok: false; reason: string };

const REVOKE_TIMEOUT_MS = 10_000;

/**
 * Revokes a token at Google's revoke endpoint. Revoking the refresh token ends the whole grant,
 * access tokens included. The token travels in the form body rather than the query string
 * (google-auth-library's revokeToken puts it in the URL, where proxies and access logs keep it),
 * and there is no retry loop: logout must not hang when offline.
 */
export async function revokeToken(revokeUrl: string, token: string, signal?: AbortSignal): Promise<RevokeOutcome> {
  const timeout = AbortSignal.timeout(REVOKE_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(revokeUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    if (timeout.aborted) return { ok: false, reason: `no answer within ${REVOKE_TIMEOUT_MS / 1000} s` };
    if (signal?.aborted) return { ok: false, reason: 'cancelled' };
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    return { ok: false, reason: typeof code === 'string' ? code : 'network error' };
  }
  if (res.ok) return { ok: true, alreadyInvalid: false };
  // Google answers 400 invalid_token for a token that is already dead: the goal is reached.
  const body = (await res.json().catch(() => undefined)) as { error?: unknown } | undefined;
  if (res.status === 400 && body?.error === 'invalid_token') return { ok: true, alreadyInvalid: true };
  return { ok: false, reason: `HTTP ${res.status}${typeof body?.error === 'string' ? ` ${body.error}` : ''}` };
}
