import type { Config, Env } from './config.js';

/** A writable the program prints to; `isTTY` decides between spinners and plain lines. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** The outside world a command sees. main.ts passes the process's; tests pass their own. */
export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Env;
  /** Aborted on SIGINT/SIGTERM; the reason is the signal name. */
  signal: AbortSignal;
}

/** Built once per invocation by the CLI's preAction hook and handed to the command. */
export interface CommandContext {
  config: Config;
  io: Io;
}
