import { afterAll, beforeAll, inject } from 'vitest';
import type { RunnerTask, RunnerTestSuite } from 'vitest';

/**
 * A setup file for mutation runs only (vitest.mutate.config.ts). StrykerJS records which tests
 * reach each mutant, but code run by hooks counts as "static" — and our suites do their pulls in
 * `beforeAll`. A static mutant is run against every suite, one to two mutants a minute on two
 * cores. What a file's hooks ran, every test of that file depends on, so this hands that coverage
 * to those tests: each mutant then runs against the files that reach it. Coverage recorded while
 * the file was being imported stays static (module-load code needs the static activation).
 */

type Coverage = Record<string, number>;
interface StrykerGlobal {
  mutantCoverage?: { static: Coverage; perTest: Record<string, Coverage> };
}

const provided = inject as unknown as (key: string) => unknown;
const strykerGlobal = (): StrykerGlobal | undefined => {
  const name = provided('globalNamespace');
  return typeof name === 'string' ? ((globalThis as Record<string, unknown>)[name] as StrykerGlobal | undefined) : undefined;
};

if (provided('mode') === 'dry-run') {
  let atImport: Coverage = {};
  beforeAll(() => {
    atImport = { ...strykerGlobal()?.mutantCoverage?.static };
  });
  // Registered after Stryker's own setup file, so this runs before its afterAll reads the coverage.
  // eslint-disable-next-line no-empty-pattern
  afterAll(({}, suite) => {
    const coverage = strykerGlobal()?.mutantCoverage;
    if (!coverage) return;
    const testIds = testsOf(suite as RunnerTestSuite).map(strykerTestId);
    for (const [mutant, hits] of Object.entries(coverage.static)) {
      const byHooks = hits - (atImport[mutant] ?? 0);
      if (byHooks <= 0 || testIds.length === 0) continue;
      for (const id of testIds) {
        const perTest = (coverage.perTest[id] ??= {});
        perTest[mutant] = (perTest[mutant] ?? 0) + byHooks;
      }
      if (atImport[mutant]) coverage.static[mutant] = atImport[mutant];
      else delete coverage.static[mutant];
    }
  });
}

/** The tests of a file that ran (a skipped test never saw the hooks' work). */
function testsOf(suite: RunnerTestSuite): RunnerTask[] {
  return suite.tasks.flatMap((task) =>
    task.type === 'suite' ? testsOf(task) : task.type === 'test' && task.result && task.mode !== 'skip' ? [task] : [],
  );
}

/** The id Stryker's setup file gives a test (its `toRawTestId`). */
function strykerTestId(test: RunnerTask): string {
  const names = [test.name];
  for (let suite = test.suite; suite; suite = suite.suite) names.unshift(suite.name);
  return `${test.file?.filepath ?? 'unknown.js'}#${names.join(' ').trim()}`;
}
