import { defineConfig } from 'vitest/config';

/**
 * Three projects: unit tests once, and every database suite twice — on ytsync's private server
 * (started by the program itself, as on a fresh clone) and on the user-supplied PostgreSQL
 * server (YTSYNC_TEST_DATABASE tells the suites which; see test/support/database.ts). The
 * server project fails loudly when the server is unreachable. Both prepare a template data
 * directory for the private server once (login/logout use it in both projects).
 */
const databaseSuites = ['test/integration/**/*.test.ts'];

export default defineConfig({
  test: {
    reporters: ['default', './test/support/backend-summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'embedded',
          include: databaseSuites,
          env: { YTSYNC_TEST_DATABASE: 'embedded' },
          globalSetup: ['test/support/embedded-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'postgres',
          include: databaseSuites,
          env: { YTSYNC_TEST_DATABASE: 'postgres' },
          globalSetup: ['test/support/postgres-setup.ts', 'test/support/embedded-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
