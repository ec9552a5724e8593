import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/connection.js';
import { serversUnder } from './private-server.js';

/**
 * Once per test run (per project): a folder that holds every home the run's tests make, and a
 * data directory made by the program (initdb, migrations), which every test workspace copies
 * instead of running initdb itself. At the end, no private server of this run may still run:
 * any left is reported and stopped, and the run fails. (Other test runs on the machine keep
 * theirs: only this run's folder is looked at.)
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runRoot = await mkdtemp(path.join(os.tmpdir(), 'ytsync-run-'));
  await chmod(runRoot, 0o711); // like a home folder's parent: the server run as nobody passes through
  const home = path.join(runRoot, 'template');
  const database = await openDatabase(loadConfig({ YTSYNC_HOME: home }), { pullLock: false, command: 'test-template' });
  await database.close();
  project.provide('privateServerTemplate', path.join(home, 'db'));
  project.provide('testRoot', runRoot);
  return async () => {
    const left = serversUnder(runRoot);
    for (const { pid } of left) process.kill(pid, 'SIGQUIT');
    await new Promise((resolve) => setTimeout(resolve, left.length > 0 ? 500 : 0));
    await rm(runRoot, { recursive: true, force: true });
    if (left.length > 0) {
      throw new Error(`private servers left running after the tests:\n${left.map((s) => `  ${s.pid} ${s.command}`).join('\n')}`);
    }
  };
}
