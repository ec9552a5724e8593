import { liveSubscriptionCount, markSubscriptionsRemoved, reviveSubscriptions, writeSubscriptions } from '../mirror/subscriptions.js';
import { NotFound, Refused } from '../youtube/client.js';
import type { SubscriptionRecord } from '../youtube/records.js';
import { finish, passPoint } from './checkpoint.js';
import { readList, UnreadableList } from './list-read.js';
import type { PassContext } from './pass-context.js';

/**
 * Pass 2: the account's subscriptions (subscriptions.list mine=true, 50 per page), read by the
 * runner every list goes through (list-read.ts): each page stored in one transaction with its
 * resume point, a list partly read by an earlier invocation read again from its start, and a
 * subscription marked removed only when a consistent, complete read did not see it.
 *
 * YouTube refusing the list never blocks the rest of the run: it is skipped with a warning, the
 * stored subscriptions stay as they were, and the next pull tries again.
 */
export async function subscriptionsPass(ctx: PassContext): Promise<void> {
  const { db, client, control, run } = ctx;
  const point = await passPoint(db, run.id, 'subscriptions');
  if (point.done) return;
  control.reporter.progress('subscriptions: reading the list');
  try {
    const finished = await readList<SubscriptionRecord>(ctx, point, {
      label: 'your subscriptions',
      pass: 'subscriptions',
      list: null,
      fetch: (token) => client.subscriptionsPage(token),
      write: async (tx, records, tally) => {
        const written = await writeSubscriptions(tx, records);
        tally.subscriptionsGained += written.gained;
        tally.subscriptionsChanged += written.changed;
      },
      unchanged: async (tx, ids, tally) => {
        tally.subscriptionsGained += await reviveSubscriptions(tx, ids);
      },
      removeUnseen: async (tx, seen, tally) => {
        tally.subscriptionsLost += await markSubscriptionsRemoved(tx, seen);
      },
    });
    if (finished) control.reporter.event('subscriptions: done');
  } catch (error) {
    if (!(error instanceof Refused || error instanceof NotFound || error instanceof UnreadableList)) throw error;
    const kept = await liveSubscriptionCount(db);
    const warning =
      `your subscriptions can't be read (YouTube says ${error.reason}): the ${kept.toLocaleString('en-US')} stored ` +
      'are kept as they were; the next pull tries again.';
    control.reporter.warn(warning);
    await finish(db, point, 'skipped', warning);
  }
}
