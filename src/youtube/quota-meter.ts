import { eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { quotaUsage } from '../db/schema.js';
import { quotaDay } from '../quota-day.js';

/** `--max-units` reached: the run stops cleanly before the next request. */
export class BudgetReached extends Error {
  constructor(readonly budget: number) {
    super(`stopped at the budget of ${budget} units (--max-units)`);
  }
}

/** Units not yet in the ledger, per quota day (a run can cross Pacific midnight). */
export type UnrecordedUnits = Map<string, number>;

/**
 * Counts every request YouTube may bill (SPEC.md: 304s and errors included). Units reach the
 * ledger in the transaction of the next page written (`take` + `record`), so recording costs
 * no statement and no commit of its own; `flush` writes what is left at the end of a run.
 * A kill -9 loses from the ledger only the units spent since the last stored page.
 * Requests in flight count against `--max-units` before they are sent, so parallel workers
 * cannot overshoot the budget.
 */
export class QuotaMeter {
  private spent = 0;
  private inFlight = 0;
  private unrecorded: UnrecordedUnits = new Map();

  constructor(
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
  settle(units: 0 | 1): void {
    this.inFlight--;
    if (units === 0) return;
    this.spent += units;
    const day = quotaDay(this.clock());
    this.unrecorded.set(day, (this.unrecorded.get(day) ?? 0) + units);
  }

  /** Hands over the units not yet recorded; give them back if the transaction fails. */
  take(): UnrecordedUnits {
    const taken = this.unrecorded;
    this.unrecorded = new Map();
    return taken;
  }

  giveBack(taken: UnrecordedUnits): void {
    for (const [day, units] of taken) this.unrecorded.set(day, (this.unrecorded.get(day) ?? 0) + units);
  }

  /** Writes every unit not yet recorded, in a statement of its own. */
  async flush(db: Db): Promise<void> {
    const taken = this.take();
    try {
      await record(db, taken);
    } catch (error) {
      this.giveBack(taken);
      throw error;
    }
  }
}

/**
 * The statement adding units to the ledger, or null when there are none: part of a stored
 * page's transaction (see sync/page-commit.ts), so recording costs no round trip of its own.
 */
export function ledgerEntry(units: UnrecordedUnits): SQL | null {
  const days = [...units].filter(([, n]) => n > 0);
  if (days.length === 0) return null;
  return sql`INSERT INTO quota_usage (day, units)
    SELECT * FROM unnest(${sql.param(days.map(([day]) => day))}::date[], ${sql.param(days.map(([, n]) => n))}::int[])
    ON CONFLICT (day) DO UPDATE SET units = quota_usage.units + excluded.units, updated_at = now()`;
}

/** Adds units to the ledger (inside the caller's transaction). */
export async function record(tx: Db, units: UnrecordedUnits): Promise<void> {
  for (const [day, n] of units) {
    if (n === 0) continue;
    await tx
      .insert(quotaUsage)
      .values({ day, units: n })
      .onConflictDoUpdate({
        target: quotaUsage.day,
        set: { units: sql`${quotaUsage.units} + ${n}`, updatedAt: sql`now()` },
      });
  }
}

/** Units the ledger holds for a quota day (default: today, Pacific). */
export async function unitsUsedOn(db: Db, day: string = quotaDay()): Promise<number> {
  const rows = await db.select({ units: quotaUsage.units }).from(quotaUsage).where(eq(quotaUsage.day, day));
  return rows[0]?.units ?? 0;
}
