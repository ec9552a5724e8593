import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from './config.js';
import type { CommandContext, Io } from './context.js';
import { ExitCode, SilentExit, UsageError, YtsyncError } from './errors.js';
import { commandHelp, environmentHelp, exitCodesHelp } from './output/help.js';
import { version } from './version.js';

/** The full blocks, for the program's own --help; each command lists only what applies to it. */
const EXIT_CODES = exitCodesHelp();
const ENVIRONMENT = environmentHelp();

function positiveInt(name: string, min = 1, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `${name} must be a whole number ≥ ${min}.` : `${name} must be a whole number from ${min} to ${max}.`);
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
    .option('--port <n>', 'loopback port to listen on (default: any free port)', positiveInt('--port', 0, 65_535), 0)
    .option('--timeout <sec>', 'give up waiting for the browser after this many seconds', positiveInt('--timeout'), 300)
    .addHelpText('after', commandHelp(['YTSYNC_HOME', 'YTSYNC_CLIENT', 'YTSYNC_OAUTH', 'YTSYNC_API_ROOT', 'DATABASE_URL', 'DEBUG'], [0, 1, 2, 3, 130]))
    .action(async (opts) => {
      const { loginCommand } = await import('./commands/login.js');
      await loginCommand(ctx(), opts);
    });

  program
    .command('logout')
    .description('Revoke the refresh token (best effort) and delete the credentials file.')
    .addHelpText('after', commandHelp(['YTSYNC_HOME', 'YTSYNC_OAUTH', 'DEBUG'], [0, 1, 2]))
    .action(async () => {
      const { logoutCommand } = await import('./commands/logout.js');
      await logoutCommand(ctx());
    });

  program
    .command('pull')
    .description('Mirror every playlist, the Liked list, their items, video details and your subscriptions; resumes an unfinished run.')
    .addOption(new Option('--max-units <n>', 'spend at most this many quota units in this run').argParser(positiveInt('--max-units')))
    .option('--concurrency <n>', 'playlists fetched at once', positiveInt('--concurrency'), 4)
    .option('--json', 'print one JSON summary on stdout (human text goes to stderr)')
    .option('-q, --quiet', 'print only the summary and errors (for cron)')
    .addOption(
      new Option('--report', "for cron's mail: print only what this run saw leave (with why), nothing at all on a quiet night; errors that need you still print").conflicts('json'),
    )
    .option('--notify <url>', 'send that report to an ntfy topic or a JSON webhook (default: $YTSYNC_NOTIFY_URL)')
    .addHelpText('after', commandHelp(['DATABASE_URL', 'YTSYNC_HOME', 'YTSYNC_API_ROOT', 'YTSYNC_OAUTH', 'YTSYNC_DAILY_QUOTA', 'YTSYNC_NOTIFY_URL', 'NO_COLOR', 'DEBUG'], [0, 1, 2, 3, 4, 75, 130]))
    .action(async (opts) => {
      const { pullCommand } = await import('./commands/pull.js');
      await pullCommand(ctx(), opts);
    });

  program
    .command('status')
    .description('Account, database, last runs, resume points, quota used today and row counts. Works offline.')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', commandHelp(['DATABASE_URL', 'YTSYNC_HOME', 'YTSYNC_DAILY_QUOTA', 'DEBUG'], [0, 1, 2]))
    .action(async (opts) => {
      const { statusCommand } = await import('./commands/status.js');
      await statusCommand(ctx(), opts);
    });

  program
    .command('changes')
    .description('What was added to and what left each playlist (and why), playlists created/removed, videos renamed. Works offline.')
    .addOption(new Option('--since <date>', 'changes seen after this date or time (2025-06-01, 2025-06-01T18:30)').conflicts('runs'))
    .addOption(new Option('--runs <n>', 'changes seen by the last n complete pulls (default: the last one)').argParser(positiveInt('--runs')))
    .option('--playlist <id|title>', 'only this playlist (its YouTube id, or its title)')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', commandHelp(['DATABASE_URL', 'YTSYNC_HOME', 'DEBUG'], [0, 1, 2, 4]))
    .action(async (opts) => {
      const { changesCommand } = await import('./commands/changes.js');
      await changesCommand(ctx(), opts);
    });

  program
    .command('export')
    .description('Write a readable backup of the library (playlists in order, titles, channels, durations, dates, availability). Works offline.')
    .addOption(new Option('--format <format>', 'json, or csv (one file, one row per item; default: from --out, else json)').choices(['json', 'csv']))
    .option('--out <path>', 'write to this file (atomically) instead of stdout')
    .option('--include-removed', 'also export removed playlists and items that left their playlists')
    .addHelpText('after', commandHelp(['DATABASE_URL', 'YTSYNC_HOME', 'DEBUG'], [0, 1, 2, 4]))
    .action(async (opts) => {
      const { exportCommand } = await import('./commands/export.js');
      await exportCommand(ctx(), opts);
    });

  const browseHelp = commandHelp(['DATABASE_URL', 'YTSYNC_HOME', 'NO_COLOR', 'DEBUG'], [0, 1, 2, 130]);

  program
    .command('search')
    .description('Find videos you saved by title (also former titles, and the last known ones of deleted and private videos), channel or description. Works offline.')
    .argument('<query...>', 'words in any order (a prefix finds longer words), "a phrase", -word to leave out')
    .option('--playlist <id|title>', 'only videos that are or were in this playlist (its YouTube id, or its title)')
    .option('--channel <name>', "only videos of this channel (words of its name, or its id)")
    .option('--unavailable', 'only videos that are deleted, private or no longer returned by YouTube')
    .option('--removed', 'only videos that left a playlist (with --playlist: that one)')
    .option('--limit <n>', 'show at most this many hits', positiveInt('--limit', 1, 10_000), 20)
    .option('--json', 'print one JSON document on stdout')
    .allowUnknownOption() // -word is a word to leave out, not an option
    .addHelpText('after', browseHelp)
    .action(async (query: string[], opts) => {
      const { searchCommand } = await import('./commands/search.js');
      await searchCommand(ctx(), query, opts);
    });

  program
    .command('playlists')
    .description('Every playlist and the Liked list: items, total length, unavailable and removed items, last change seen. Works offline.')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', browseHelp)
    .action(async (opts) => {
      const { playlistsCommand } = await import('./commands/playlists.js');
      await playlistsCommand(ctx(), opts);
    });

  program
    .command('show')
    .description("One playlist's items in order: position, title, channel, length, added date, availability. Works offline.")
    .argument('<playlist>', 'its YouTube id, or its title (LL or "Liked videos" for the Liked list)')
    .option('--all', 'also the items that left it, where they were')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', browseHelp)
    .action(async (playlist: string, opts) => {
      const { showCommand } = await import('./commands/show.js');
      await showCommand(ctx(), playlist, opts);
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
  if (error instanceof SilentExit) return error.exitCode;
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
