import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { quotaUsage } from '../db/schema.js';
import { quotaDay } from '../quota-day.js';

/** `--max-units` reached: the run stops cleanly before the next request. */
export class BudgetReached extends Error {
  constructor(readonly budget: number) {
    super(`stopped at the budget of ${budget} units (--max-units)`);
  }
}

/**
 * Counts every request YouTube may bill (SPEC.md: 304s and errors included) and writes each
 * unit to the day's ledger as it happens, so a kill -9 loses at most the request in flight.
 * Requests in flight count against `--max-units` before they are sent, so parallel workers
 * cannot overshoot the budget.
 */
export class QuotaMeter {
  private spent = 0;
  private inFlight = 0;
  private ledger: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    readonly maxUnits: number | undefined,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  get unitsSpent(): number {
    return this.spent;
  }

  /** Claims a unit for a request about to be sent; throws BudgetReached when none is left. */
  claim(): void {
    if (this.maxUnits !== undefined && this.spent + this.inFlight >= this.maxUnits) throw new BudgetReached(this.maxUnits);
    this.inFlight++;
  }

  /** Settles a claimed unit: `units` is 1 for anything YouTube answered, 0 for a refusal that is free. */
  async settle(units: 0 | 1): Promise<void> {
    this.inFlight--;
    if (units === 0) return;
    this.spent += units;
    const day = quotaDay(this.clock());
    // Serialised so ledger writes never contend with each other; awaited so the caller's next
    // step (often the page's transaction) starts after the unit is on disk.
    const write = this.ledger.then(() =>
      this.db
        .insert(quotaUsage)
        .values({ day, units })
        .onConflictDoUpdate({
          target: quotaUsage.day,
          set: { units: sql`${quotaUsage.units} + ${units}`, updatedAt: sql`now()` },
        }),
    );
    this.ledger = write.catch(() => undefined);
    await write;
  }
}

/** Units the ledger holds for a quota day (default: today, Pacific). */
export async function unitsUsedOn(db: Db, day: string = quotaDay()): Promise<number> {
  const rows = await db.select({ units: quotaUsage.units }).from(quotaUsage).where(eq(quotaUsage.day, day));
  return rows[0]?.units ?? 0;
}
