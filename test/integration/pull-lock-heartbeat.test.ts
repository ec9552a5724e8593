import net from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_NAMESPACE, PULL_LOCK } from '../../src/db/lock-keys.js';
import { PullLockLost, watchPullLock } from '../../src/db/lock-watch.js';
import { createWorkspace, TEST_DATABASE, type Workspace } from '../support/database.js';

/**
 * A TCP hop between a client and the server that can go silent, as a network partition or a NAT
 * that forgot the connection does: nothing is closed, nothing more arrives in either direction.
 */
async function partitionableHop(server: pg.ClientConfig): Promise<{ config: pg.ClientConfig; silence(): void; close(): Promise<void> }> {
  const url = server.connectionString ? new URL(server.connectionString) : undefined;
  const target: net.NetConnectOpts = url
    ? { host: url.hostname, port: Number(url.port || 5432) }
    : { path: `${server.host}/.s.PGSQL.${server.port ?? 5432}` };
  const sockets = new Set<net.Socket>();
  let silent = false;
  const hop = net.createServer((near) => {
    const far = net.connect(target);
    for (const [from, to] of [[near, far], [far, near]] as const) {
      sockets.add(from);
      from.on('data', (chunk) => silent || to.write(chunk));
      from.on('error', () => undefined);
      from.on('close', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => hop.listen(0, '127.0.0.1', resolve));
  const { port } = hop.address() as net.AddressInfo;
  const config: pg.ClientConfig = {
    host: '127.0.0.1',
    port,
    user: url ? decodeURIComponent(url.username) : server.user,
    database: url ? url.pathname.slice(1) : server.database,
  };
  return {
    config,
    silence: () => void (silent = true),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hop.close(resolve));
    },
  };
}

async function holdPullLock(config: pg.ClientConfig): Promise<pg.Client> {
  const session = new pg.Client(config);
  session.on('error', () => undefined);
  await session.connect();
  await session.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, PULL_LOCK]);
  return session;
}

function lostWithin(signal: AbortSignal, ms: number): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the watch did not report the lock lost within ${ms} ms`)), ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve(signal.reason)), { once: true });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 11's silent losses, the ones that end no connection: the watch on the pull lock's
 * session asks the server every heartbeat whether the session still holds the lock, and gives up
 * on an answer that does not come. Heartbeats are shortened here (a parameter); the program's
 * are 20 s and 10 s. `pull-lock-lost` covers the loud loss (the backend terminated).
 */
describe(`the pull lock's heartbeat (${TEST_DATABASE})`, () => {
  const heartbeat = { everyMs: 25, answerMs: 300 };
  let ws: Workspace;
  let release: () => void;
  let holding: Promise<unknown>;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeEach(async () => {
    ws = await createWorkspace();
    // The private server runs while a command has it open: a command holds it open meanwhile.
    const held = new Promise<void>((resolve) => (release = resolve));
    await new Promise<void>((opened) => (holding = ws.withDb(() => (opened(), held))));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    release();
    await holding;
    await ws.cleanup();
  });

  async function watched(config = ws.clientConfig()) {
    const session = await holdPullLock(config);
    const watch = watchPullLock(session, heartbeat);
    cleanups.push(async () => (watch.stop(), session.end().catch(() => undefined)));
    return { session, watch };
  }

  it('a session that keeps the lock is never reported lost, however many heartbeats pass', async () => {
    const { watch } = await watched();
    await sleep(heartbeat.everyMs * 20);
    expect(watch.lost.aborted).toBe(false);
  });

  it('the lock released under a live connection (a pooler resetting it with DISCARD ALL): lost at the next heartbeat', async () => {
    const { session, watch } = await watched();
    await sleep(heartbeat.everyMs * 4);
    expect(watch.lost.aborted).toBe(false);
    await session.query('DISCARD ALL');
    const reason = await lostWithin(watch.lost, heartbeat.everyMs * 20);
    expect(reason).toBeInstanceOf(PullLockLost);
    expect((reason as Error).message).toMatch(/pull lock \(the server no longer holds it\).*two pulls never run at once.*Progress is saved/);
  });

  it('the connection goes silent (a partition; nothing is closed): lost once an answer is overdue', async () => {
    const hop = await partitionableHop(ws.clientConfig());
    cleanups.push(hop.close);
    const { watch } = await watched(hop.config);
    await sleep(heartbeat.everyMs * 4);
    expect(watch.lost.aborted).toBe(false);
    const silencedAt = Date.now();
    hop.silence();
    const reason = await lostWithin(watch.lost, heartbeat.everyMs + heartbeat.answerMs + 5_000);
    expect(Date.now() - silencedAt).toBeGreaterThanOrEqual(heartbeat.answerMs);
    expect(reason).toBeInstanceOf(PullLockLost);
    expect((reason as Error).message).toMatch(/pull lock \(.*timeout.*\)/i);
  });

  it('once stopped (the pull closing), neither the lock released nor the session ended reads as lost', async () => {
    const { session, watch } = await watched();
    watch.stop();
    await session.query('DISCARD ALL');
    await sleep(heartbeat.everyMs * 6);
    await session.end();
    await sleep(heartbeat.everyMs * 2);
    expect(watch.lost.aborted).toBe(false);
  });

  it('the session ended by its server while watched: lost at once, before any heartbeat', async () => {
    const session = await holdPullLock(ws.clientConfig());
    const { rows } = await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const watch = watchPullLock(session, { everyMs: 60_000, answerMs: 60_000 });
    cleanups.push(async () => watch.stop());
    const admin = new pg.Client(ws.clientConfig());
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await admin.end();
    const reason = await lostWithin(watch.lost, 5_000);
    expect(reason).toBeInstanceOf(PullLockLost);
  });
});
