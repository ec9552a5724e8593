import pLimit from 'p-limit';
import type { RunControl } from './run-control.js';

/**
 * Runs `task` for every item, at most `limit` at once. Once the run is stopped (Ctrl-C, budget,
 * quota, another task's failure) no task starts; tasks already running stop at their next page
 * boundary (they watch the same RunControl). The first failure stops the run and is rethrown
 * when every running task has finished, so nothing is left half-written.
 */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, control: RunControl, task: (item: T) => Promise<void>): Promise<void> {
  const slot = pLimit(limit);
  await Promise.all(
    items.map((item) =>
      slot(async () => {
        if (control.stopped) return;
        try {
          await task(item);
        } catch (error) {
          control.fail(error);
        }
      }),
    ),
  );
  control.rethrow();
}
