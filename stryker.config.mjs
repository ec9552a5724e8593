// @ts-check
/**
 * Mutation testing: `npm run mutate` (not in CI — it takes hours on two cores). Each mutant of the
 * engine's folders is run against the suites of vitest.mutate.config.ts; the score per folder and
 * what survived are in docs/TESTING.md. Narrow a run with `npm run mutate -- --mutate 'src/sync/**'`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  mutate: ['src/sync/**/*.ts', 'src/youtube/**/*.ts', 'src/mirror/**/*.ts', 'src/db/**/*.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 60_000,
  // event-recorder writes each mutant's result as it is known (reports/mutation/events): a run
  // stopped early still tells what it tested; the other reports are written only at the end.
  reporters: ['clear-text', 'progress', 'html', 'json', 'event-recorder'],
  eventReporter: { baseDir: 'reports/mutation/events' },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  // dist/ stays: suites that run the built program as a child need it (it is not mutated).
  ignorePatterns: ['reports', 'docs', 'bench', 'scripts'],
};
export default config;
