import type { OutputStream } from '../context.js';

type Listening = OutputStream & {
  on?(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
};

/**
 * A reader that goes away (`ytsync show X | head`) ends the output, not the program: without a
 * listener, Node turns the pipe's EPIPE into an uncaught exception with a stack trace. Loops
 * that write check `closed` and stop; any other write error is thrown by `check`. The listener
 * stays for the life of the command: the error of a write comes a tick after it.
 */
export function guardOutput(stream: OutputStream): { readonly closed: boolean; check(): void } {
  const listening = stream as Listening;
  let closed = false;
  let failure: Error | undefined;
  const onError = (error: NodeJS.ErrnoException) => {
    closed = true;
    if (error.code !== 'EPIPE') failure ??= error;
  };
  listening.on?.('error', onError);
  return {
    get closed() {
      return closed;
    },
    check() {
      if (failure) throw failure;
    },
  };
}
