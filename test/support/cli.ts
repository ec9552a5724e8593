import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli.js';
import type { Env } from '../../src/config.js';

export const BIN = fileURLToPath(new URL('../../bin/ytsync.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

class Capture {
  text = '';
  constructor(
    readonly isTTY = false,
    private readonly onWrite?: (chunk: string) => void,
  ) {}
  write(chunk: string) {
    this.text += chunk;
    this.onWrite?.(chunk);
    return true;
  }
}

/** Runs the real commander program in this process (fast, no build needed). */
export async function runInProcess(
  argv: string[],
  env: Env,
  options: {
    signal?: AbortSignal;
    tty?: boolean;
    /** Sees output as it is written, e.g. to act on a line while the command still runs. */
    onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  } = {},
): Promise<CliResult> {
  const stdout = new Capture(options.tty, options.onOutput && ((c) => options.onOutput!('stdout', c)));
  const stderr = new Capture(options.tty, options.onOutput && ((c) => options.onOutput!('stderr', c)));
  const code = await runCli(argv, {
    stdout,
    stderr,
    env,
    signal: options.signal ?? new AbortController().signal,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Runs the built program (bin/ytsync.js → dist/) as a child process, as cron would. */
export function spawnCli(argv: string[], env: Env, cwd?: string): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...argv], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : -1), stdout, stderr }));
  });
  return { child, done };
}

export async function runChild(argv: string[], env: Env, cwd?: string): Promise<CliResult> {
  return spawnCli(argv, env, cwd).done;
}
