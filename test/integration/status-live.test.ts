import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess, spawnCli } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { startScenario, type Scenario } from '../support/scenario.js';

// Issue 10, acceptance 2: status during a running pull reads the live mirror, on both backends.

describe(`status while a pull runs (${TEST_DATABASE})`, () => {
  let s: Scenario;

  beforeEach(async () => {
    s = await startScenario({ seed: 1010, playlists: 8, items: 1600, likes: 100 });
    // Slow enough that the pull runs for a few seconds of items.
    s.emulator.faults.set({ latencyMs: 25 });
  });
  afterEach(() => s.stop());

  it('shows counts that grow, names the pull, and never answers busy-only', async () => {
    const pull = spawnCli(['pull', '--concurrency', '2'], s.ws.env);
    let finished = false;
    const pullDone = pull.done.finally(() => (finished = true));
    const seen: number[] = [];
    while (!finished) {
      const result = await runInProcess(['status', '--json'], s.ws.env);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.counts).not.toBeNull();
      expect(report.quota.usedToday).not.toBeNull();
      if (!finished && report.busy) {
        expect(report.busy.holder).toMatch(new RegExp(`^ytsync pull \\(pid ${pull.child.pid} on `));
        seen.push(report.counts.items);
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const result = await pullDone;
    expect(result.code, result.stderr).toBe(0);
    // Several readings while the pull held the lock, and they grew as pages were stored.
    expect(new Set(seen).size, `items seen during the pull: ${seen.join(', ')}`).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const after = JSON.parse((await runInProcess(['status', '--json'], s.ws.env)).stdout);
    expect(after.busy).toBeNull();
    expect(after.counts.items).toBeGreaterThanOrEqual(seen.at(-1)!);
  });
});
