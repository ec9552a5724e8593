import { version } from '../version.js';
import type { NotifyDestination } from './destination.js';

/** The message as it goes on the wire. */
export interface Message {
  body: string;
  contentType: string;
  /** Extra headers (ntfy's Title, Tags): ASCII only. */
  headers?: Record<string, string>;
}

/** Why a delivery failed, in words safe to print and store (never the URL). */
export class DeliveryFailed extends Error {}

const TIMEOUT_MS = 15_000;

/**
 * One POST, no retry here: a report that does not arrive is kept and sent with the next one
 * (see report/deliveries.ts), which retries tomorrow rather than keeping a nightly job waiting.
 */
export async function send(destination: NotifyDestination, message: Message, signal?: AbortSignal): Promise<void> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(destination.url, {
      method: 'POST',
      headers: {
        'content-type': message.contentType,
        'user-agent': `ytsync/${version}`,
        ...(destination.authorization ? { authorization: destination.authorization } : {}),
        ...message.headers,
      },
      body: message.body,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    throw new DeliveryFailed(timeout.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : networkReason(error));
  }
  // The body is not needed; reading it frees the connection.
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new DeliveryFailed(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    default:
      // Messages of network errors name the host and port at most, never the path or the query.
      return cause?.code ?? (error instanceof Error ? error.message : String(error));
  }
}
