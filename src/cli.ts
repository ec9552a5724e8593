import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from './config.js';
import type { CommandContext, Io } from './context.js';
import { ExitCode, UsageError, YtsyncError } from './errors.js';
import { version } from './version.js';

const EXIT_CODES = `
Exit codes:
  0   finished
  1   unexpected failure (stack trace with DEBUG=ytsync)
  2   usage or configuration error
  3   not logged in, or the refresh token was revoked/expired: run \`ytsync login\`
  4   another \`ytsync pull\` holds the lock on this database
  75  stopped early on quota (quotaExceeded or --max-units); the next pull continues
  130/143  stopped by SIGINT/SIGTERM; progress is saved and the next pull continues`;

const ENVIRONMENT = `
Environment (a .env file in the working directory is read too):
  DATABASE_URL             PostgreSQL server; unset = embedded database in $YTSYNC_HOME/db
  YTSYNC_HOME              credentials and embedded database (default ~/.config/ytsync)
  YTSYNC_CLIENT_ID/_SECRET OAuth Desktop-app client, instead of --client-secret
  YTSYNC_API_ROOT          YouTube Data API base URL (emulators, proxies)
  YTSYNC_OAUTH_AUTH_URL, YTSYNC_OAUTH_TOKEN_URL, YTSYNC_OAUTH_REVOKE_URL
  YTSYNC_DAILY_QUOTA       the Cloud project's daily quota in units (default 10000)
  NO_COLOR, DEBUG=ytsync`;

function positiveInt(name: string, min = 1) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}.`);
    }
    return value;
  };
}

/** The commander program. Commands are imported lazily so `--help` and `status` stay fast. */
export function buildProgram(io: Io): Command {
  let context: CommandContext | undefined;
  const ctx = (): CommandContext => {
    context ??= { config: loadConfig(io.env), io };
    return context;
  };

  const program = new Command('ytsync')
    .description('A complete, queryable copy of your YouTube library in PostgreSQL.')
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `${ENVIRONMENT}\n${EXIT_CODES}`)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();

  program
    .command('login')
    .description('Authorize ytsync to read your YouTube account (loopback OAuth with PKCE).')
    .option('--client-secret <file>', "the JSON Google Cloud Console downloads for a 'Desktop app' OAuth client")
    .option('--no-browser', 'only print the authorization URL (headless machines, SSH)')
    .option('--port <n>', 'loopback port to listen on (default: any free port)', positiveInt('--port', 0), 0)
    .option('--timeout <sec>', 'give up waiting for the browser after this many seconds', positiveInt('--timeout'), 300)
    .addHelpText('after', EXIT_CODES)
    .action(async (opts) => {
      const { loginCommand } = await import('./commands/login.js');
      await loginCommand(ctx(), opts);
    });

  program
    .command('logout')
    .description('Revoke the refresh token (best effort) and delete the credentials file.')
    .addHelpText('after', EXIT_CODES)
    .action(async () => {
      const { logoutCommand } = await import('./commands/logout.js');
      await logoutCommand(ctx());
    });

  program
    .command('pull')
    .description('Mirror every playlist, the Liked list, their items and video details; resumes an unfinished run.')
    .addOption(new Option('--max-units <n>', 'spend at most this many quota units in this run').argParser(positiveInt('--max-units')))
    .option('--concurrency <n>', 'playlists fetched at once', positiveInt('--concurrency'), 4)
    .option('--json', 'print one JSON summary on stdout (human text goes to stderr)')
    .addHelpText('after', `${ENVIRONMENT}\n${EXIT_CODES}`)
    .action(async (opts) => {
      const { pullCommand } = await import('./commands/pull.js');
      await pullCommand(ctx(), opts);
    });

  program
    .command('status')
    .description('Account, database, last runs, resume points, quota used today and row counts. Works offline.')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', EXIT_CODES)
    .action(async (opts) => {
      const { statusCommand } = await import('./commands/status.js');
      await statusCommand(ctx(), opts);
    });

  return program;
}

/** Runs one invocation and returns its exit code; never calls process.exit. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // --help and --version end through exitOverride with code 0; commander already printed usage errors.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof YtsyncError) {
    io.stderr.write(`ytsync: ${error.message}\n`);
    if (isDebug(io) && !(error instanceof UsageError)) io.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`ytsync: unexpected failure: ${message}\n`);
  if (isDebug(io)) io.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
  else io.stderr.write('ytsync: run with DEBUG=ytsync for details.\n');
  return ExitCode.failure;
}

function isDebug(io: Io): boolean {
  return (io.env.DEBUG ?? '').split(',').some((d) => d.trim() === 'ytsync' || d.trim() === '*');
}
