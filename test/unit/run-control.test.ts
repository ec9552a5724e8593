import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { ChangeTally, RunControl, transaction, type SyncReporter } from '../../src/sync/run-control.js';
import { QuotaMeter } from '../../src/youtube/quota-meter.js';

const silent: SyncReporter = { event: () => undefined, warn: () => undefined, progress: () => undefined, pageStored: () => undefined };

/** A database whose transactions fail with these errors, one per attempt, then succeed. */
function flaky(errors: unknown[]): { db: Db; attempts: () => number } {
  let attempts = 0;
  const db = {
    async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
      const error = errors[attempts++];
      const result = await work(db as unknown as Db);
      if (error !== undefined) throw error;
      return result;
    },
  };
  return { db: db as unknown as Db, attempts: () => attempts };
}

const pgError = (code: string) => Object.assign(new Error(code), { code });

describe('transaction', () => {
  it('is retried when PostgreSQL picks it as a deadlock or serialization victim (code on the error or its cause)', async () => {
    const { db, attempts } = flaky([pgError('40P01'), { cause: { code: '40001' } }]);
    await expect(transaction(db, async () => 'done')).resolves.toBe('done');
    expect(attempts()).toBe(3);
  });

  it('gives up after four attempts, and never retries anything else', async () => {
    const deadlocks = flaky([pgError('40P01'), pgError('40P01'), pgError('40P01'), pgError('40P01'), pgError('40P01')]);
    await expect(transaction(deadlocks.db, async () => 'done')).rejects.toMatchObject({ code: '40P01' });
    expect(deadlocks.attempts()).toBe(4);
    const other = flaky([pgError('23505')]);
    await expect(transaction(other.db, async () => 'done')).rejects.toMatchObject({ code: '23505' });
    expect(other.attempts()).toBe(1);
    const plain = flaky([new Error('no code')]);
    await expect(transaction(plain.db, async () => 'done')).rejects.toThrow('no code');
    expect(plain.attempts()).toBe(1);
  });
});

describe('RunControl.pageTransaction', () => {
  it('counts what a page changed once, however often its transaction ran', async () => {
    const control = new RunControl(new AbortController().signal, silent, new ChangeTally(), new QuotaMeter(undefined));
    const { db } = flaky([pgError('40P01')]);
    await control.pageTransaction(db, async (_tx, _units, tally) => {
      tally.itemsChanged += 3;
      tally.restarts += 1;
    });
    expect(control.tally.toJSON()).toMatchObject({ itemsChanged: 3, restarts: 1, videosUpdated: 0 });
  });

  it('gives the quota units back when the page could not be stored, so they are still recorded later', async () => {
    const meter = new QuotaMeter(undefined, () => new Date('2026-11-30T12:00:00Z'));
    meter.claim();
    meter.settle(1);
    const control = new RunControl(new AbortController().signal, silent, new ChangeTally(), meter);
    const { db } = flaky([new Error('disk full')]);
    let seen: Map<string, number> | undefined;
    await expect(control.pageTransaction(db, async (_tx, units) => void (seen = new Map(units)))).rejects.toThrow('disk full');
    expect([...seen!]).toEqual([['2026-11-30', 1]]);
    expect([...meter.take()]).toEqual([['2026-11-30', 1]]);
  });

  it('stops on the first failure or the signal, and keeps the first reason', () => {
    const signal = new AbortController();
    const control = new RunControl(signal.signal, silent, new ChangeTally(), new QuotaMeter(undefined));
    expect(control.stopped).toBe(false);
    expect(() => control.rethrow()).not.toThrow();
    control.fail(new Error('first'));
    control.fail(new Error('second'));
    expect(control.stopped).toBe(true);
    expect(() => control.rethrow()).toThrow('first');
    const interrupted = new RunControl(signal.signal, silent, new ChangeTally(), new QuotaMeter(undefined));
    signal.abort('SIGINT');
    expect(interrupted.stopped).toBe(true);
    expect(() => interrupted.rethrow()).not.toThrow();
  });
});
