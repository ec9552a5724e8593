import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/connection.js';
import { serversUnder } from './private-server.js';

/**
 * Once per test run: a data directory made by the program (initdb, migrations), which every
 * test workspace copies instead of running initdb itself. At the end, no private server of a
 * test may still run: any left is reported and stopped, and the run fails.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'ytsync-template-'));
  const database = await openDatabase(loadConfig({ YTSYNC_HOME: home }), { pullLock: false, command: 'test-template' });
  await database.close();
  project.provide('privateServerTemplate', path.join(home, 'db'));
  return async () => {
    await rm(home, { recursive: true, force: true });
    const left = serversUnder(path.join(os.tmpdir(), 'ytsync-'));
    for (const { pid } of left) process.kill(pid, 'SIGQUIT');
    if (left.length > 0) {
      throw new Error(`private servers left running after the tests:\n${left.map((s) => `  ${s.pid} ${s.command}`).join('\n')}`);
    }
  };
}
