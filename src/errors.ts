/**
 * Typed errors carrying the exit codes of SPEC.md. Anything thrown that is not a
 * YtsyncError is unexpected: main.ts prints its message (stack only with DEBUG=ytsync)
 * and exits 1.
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  locked: 4,
  quota: 75,
  /** 128 + SIGINT / SIGTERM, the shell convention for "stopped by a signal". */
  sigint: 130,
  sigterm: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class YtsyncError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flag, bad setting, unreadable input file: the user can fix it by changing the command. */
export class UsageError extends YtsyncError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** Why a refresh token dies most often; said wherever we ask the user to log in again. */
export const TESTING_EXPIRY_HINT =
  'If your OAuth consent screen is in "Testing" with external users, Google expires refresh tokens after 7 days; ' +
  'publish the app (or log in again weekly) to avoid this.';

/** Not logged in, or Google refused the refresh token. Nothing stored is touched. */
export class AuthError extends YtsyncError {
  constructor(message: string) {
    super(message, ExitCode.auth);
  }

  static notLoggedIn(detail: string): AuthError {
    return new AuthError(`${detail} Run \`ytsync login\` first.`);
  }

  static tokenRejected(): AuthError {
    return new AuthError(
      `Google rejected the stored refresh token (expired or revoked). Run \`ytsync login\` again. ${TESTING_EXPIRY_HINT}`,
    );
  }
}

/**
 * Ends the command with its exit code and prints nothing: `pull --report` on a night that needs no
 * mail (stopped on quota, another pull still running, stopped by a signal). The code still tells.
 */
export class SilentExit extends YtsyncError {
  constructor(exitCode: ExitCode) {
    super('', exitCode);
  }
}

/** Another pull holds this database. */
export class LockedError extends YtsyncError {
  constructor(message: string) {
    super(message, ExitCode.locked);
  }
}

/** SIGINT or SIGTERM ended the command: 130 or 143, the shell's convention. */
export class Interrupted extends YtsyncError {
  constructor(readonly signalName: string) {
    super(`stopped by ${signalName}`, signalName === 'SIGTERM' ? ExitCode.sigterm : ExitCode.sigint);
  }
}

/** Throws Interrupted once the command's signal has fired (main.ts aborts it on SIGINT/SIGTERM). */
export function throwIfInterrupted(signal: AbortSignal): void {
  if (signal.aborted) throw new Interrupted(String(signal.reason));
}

/** `work`, or Interrupted as soon as the signal fires, whichever comes first. */
export function untilInterrupted<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new Interrupted(String(signal.reason)));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Interrupted(String(signal.reason)));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
