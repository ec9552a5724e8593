import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

/**
 * Test workspaces on ytsync's private server. initdb runs once per test run (embedded-setup.ts
 * makes a template data directory through the program itself); each workspace gets a copy, as
 * if an earlier command had created it. `cp -a` keeps the owner (nobody, when tests run as root).
 */
export async function seedPrivateDatabase(home: string): Promise<void> {
  const template = inject('privateServerTemplate');
  if (!template) return;
  await promisify(execFile)('cp', ['-a', template, path.join(home, 'db')]);
}

/** postgres processes whose data directory is under `folder` (none may be left after a test). */
export function serversUnder(folder: string): Array<{ pid: number; command: string }> {
  if (process.platform !== 'linux') return [];
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let command: string;
    try {
      command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    if (/\/postgres -D /.test(command) && command.includes(folder)) found.push({ pid: Number(entry), command: command.trim() });
  }
  return found;
}

const parentOf = (pid: number): number => {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
  } catch {
    return 0;
  }
};

/**
 * Postmasters (not their children: a freshly forked backend still shows the postmaster's
 * command line for a moment) on data directories under `folder`.
 */
export function postmastersUnder(folder: string): Array<{ pid: number; command: string }> {
  const all = serversUnder(folder);
  const pids = new Set(all.map((s) => s.pid));
  return all.filter((s) => !pids.has(parentOf(s.pid)));
}

/** Ends the server of a data directory at once (immediate shutdown) and waits for it to go. */
export async function killServer(dataDir: string): Promise<void> {
  for (const { pid } of serversUnder(dataDir)) {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      // gone already
    }
  }
  const deadline = Date.now() + 10_000;
  while (serversUnder(dataDir).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** Waits until no server runs on `dataDir` (the last command stops it as it exits). */
export async function serverGone(dataDir: string, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (serversUnder(dataDir).length === 0 && !existsSync(path.join(dataDir, 'postmaster.pid'))) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

/** Where this test run's homes go (one folder per run, so its servers can be told from other runs'). */
export function testRoot(): string {
  return inject('testRoot') ?? os.tmpdir();
}

declare module 'vitest' {
  export interface ProvidedContext {
    privateServerTemplate: string;
    testRoot: string;
  }
}
