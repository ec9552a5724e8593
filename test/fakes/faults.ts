/**
 * Deterministic fault injection for the API endpoints: latency, 5xx, connection resets and
 * rate limiting at seeded rates, plus queued one-off faults (`failNext`) for exact scenarios.
 */
import { mulberry32 } from './rng.js';

export type FaultKind =
  | '500' | '503' | 'reset' | '429' | 'rateLimitExceeded' | 'userRateLimitExceeded'
  | 'quotaExceeded' | 'invalidPageToken' | '401'
  /** 400 badRequest: YouTube calls the request itself wrong (retrying cannot help). */
  | 'badRequest';

export interface FaultConfig {
  /** Added to every API request (setTimeout, never a busy wait). */
  latencyMs?: number;
  /** 500/503 backendError, half each. */
  serverErrorRate?: number;
  /** Socket destroyed without any response (the client sees ECONNRESET / "socket hang up"). */
  resetRate?: number;
  /** A mix of 429, 403 rateLimitExceeded and 403 userRateLimitExceeded. */
  rateLimitRate?: number;
  seed?: number;
}

interface Queued {
  kind: FaultKind;
  resource?: string;
}

export class FaultInjector {
  private config: FaultConfig = {};
  private rand: () => number = mulberry32(1);
  private queue: Queued[] = [];

  /** Replaces the random fault configuration (and reseeds the RNG). Queued faults stay. */
  set(config: FaultConfig): void {
    this.config = { ...config };
    this.rand = mulberry32(config.seed ?? 1);
  }

  /** No latency, no random faults, nothing queued. */
  clear(): void {
    this.set({});
    this.queue = [];
  }

  get current(): Readonly<FaultConfig> {
    return this.config;
  }

  get latencyMs(): number {
    return this.config.latencyMs ?? 0;
  }

  /** The next `n` API requests (optionally only those to `resource`) fail with `kind`. */
  failNext(n: number, kind: FaultKind, resource?: string): void {
    for (let i = 0; i < n; i++) this.queue.push(resource === undefined ? { kind } : { kind, resource });
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Decides the fault (if any) for one request. Queued faults win over random ones. */
  draw(resource: string): FaultKind | undefined {
    const qi = this.queue.findIndex((q) => q.resource === undefined || q.resource === resource);
    if (qi >= 0) return this.queue.splice(qi, 1)[0]?.kind;
    const { serverErrorRate = 0, resetRate = 0, rateLimitRate = 0 } = this.config;
    if (serverErrorRate <= 0 && resetRate <= 0 && rateLimitRate <= 0) return undefined;
    // Always consume the same number of draws so a seed replays identically.
    const [r1, r2, r3, r4] = [this.rand(), this.rand(), this.rand(), this.rand()] as [number, number, number, number];
    if (r1 < resetRate) return 'reset';
    if (r2 < serverErrorRate) return r4 < 0.5 ? '500' : '503';
    if (r3 < rateLimitRate) return r4 < 1 / 3 ? '429' : r4 < 2 / 3 ? 'rateLimitExceeded' : 'userRateLimitExceeded';
    return undefined;
  }
}
