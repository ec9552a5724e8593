import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one line per vitest project (unit / embedded / postgres) and a plain total, so a CI
 * log shows that the database suites really ran on both backends.
 */
export default class BackendSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const byProject = new Map<string, { passed: number; failed: number; skipped: number }>();
    for (const module of testModules) {
      const counts = byProject.get(module.project.name) ?? { passed: 0, failed: 0, skipped: 0 };
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
      byProject.set(module.project.name, counts);
    }
    let passed = 0;
    let failed = 0;
    const lines = ['', 'Tests by backend:'];
    for (const [name, c] of [...byProject.entries()].sort()) {
      lines.push(`  ${name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped/todo`);
      passed += c.passed;
      failed += c.failed;
    }
    lines.push(`${passed} passed, ${failed} failed`, '');
    process.stdout.write(lines.join('\n'));
  }
}
