import { defineConfig } from 'vitest/config';

/**
 * The suites `npm run mutate` (StrykerJS) runs against each mutant: the unit tests and the
 * engine's integration suites on the PostgreSQL server — the ones that exercise src/sync,
 * src/youtube, src/mirror and src/db in this process. Left out: suites whose program runs as a
 * child process from dist/ (mutants live in the sandbox's src/), and slow suites that add no
 * kill of their own (login, logout, demo, export, locking, kill -9).
 */
// What each file's hooks (our pulls in beforeAll) reach counts for that file's tests, not as static.
const hookCoverage = 'test/support/mutation-coverage.ts';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      // The credential store's test sets the umask, which worker threads (Stryker's pool) cannot.
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: ['test/unit/credential-store.test.ts'],
          testTimeout: 30_000,
          setupFiles: [hookCoverage],
        },
      },
      {
        test: {
          name: 'postgres',
          include: [
            'test/integration/pull-*.test.ts',
            'test/integration/failures-{quota,malformed,mutations,faults}.test.ts',
            'test/integration/{changes,status,auth-pull}.test.ts',
          ],
          exclude: ['test/integration/pull-locking.test.ts', 'test/integration/pull-crash.test.ts', 'test/integration/pull-report.test.ts'],
          env: { YTSYNC_TEST_DATABASE: 'postgres' },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          globalSetup: ['test/support/postgres-setup.ts'],
          setupFiles: [hookCoverage],
        },
      },
    ],
  },
});
