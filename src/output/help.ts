/**
 * The "Environment" and "Exit codes" blocks of `--help`: each command lists only the settings
 * it reads and the codes it can end with (SPEC.md: exit codes are documented in --help).
 */
const INDENT = '\n' + ' '.repeat(27);
const SETTINGS = {
  DATABASE_URL: ['DATABASE_URL', `PostgreSQL server, e.g. postgres://user@127.0.0.1:5432/ytsync;${INDENT}unset = ytsync's private PostgreSQL server, data in $YTSYNC_HOME/db`],
  YTSYNC_HOME: ['YTSYNC_HOME', `credentials and the private server's database${INDENT}(default $XDG_CONFIG_HOME/ytsync or ~/.config/ytsync)`],
  YTSYNC_CLIENT: ['YTSYNC_CLIENT_ID, YTSYNC_CLIENT_SECRET', 'the OAuth Desktop-app client, instead of --client-secret'],
  YTSYNC_API_ROOT: ['YTSYNC_API_ROOT', 'YouTube Data API base URL (emulators, proxies)'],
  YTSYNC_OAUTH: ['YTSYNC_OAUTH_AUTH_URL, YTSYNC_OAUTH_TOKEN_URL, YTSYNC_OAUTH_REVOKE_URL', "OAuth endpoints (default: Google's)"],
  YTSYNC_DAILY_QUOTA: ['YTSYNC_DAILY_QUOTA', "the Cloud project's daily quota in units (default 10000)"],
  YTSYNC_NOTIFY_URL: ['YTSYNC_NOTIFY_URL', `where pull sends its report of what left: https://ntfy.sh/TOPIC,${INDENT}ntfy+https://HOST/TOPIC, or any other URL: a JSON webhook`],
  NO_COLOR: ['NO_COLOR', 'no colour on a terminal (without a terminal there is never colour)'],
  DEBUG: ['DEBUG', 'DEBUG=ytsync prints stack traces of unexpected failures'],
} as const;
export type Setting = keyof typeof SETTINGS;

const EXITS = {
  0: 'finished',
  1: 'unexpected failure (stack trace with DEBUG=ytsync)',
  2: 'usage or configuration error (bad flag, bad DATABASE_URL, unreadable client secret)',
  3: 'not logged in, or the refresh token was revoked/expired: run `ytsync login`',
  4: 'another `ytsync pull` holds the lock on this database',
  75: 'stopped early on quota (quotaExceeded or --max-units); progress is saved\n           and the next pull continues (from cron: "will continue tomorrow")',
  130: 'stopped by SIGINT (130) or SIGTERM (143); progress is saved',
} as const;
export type Exit = keyof typeof EXITS;

export const ALL_SETTINGS = Object.keys(SETTINGS) as Setting[];
export const ALL_EXITS = Object.keys(EXITS).map(Number) as Exit[];

export function environmentHelp(settings: readonly Setting[] = ALL_SETTINGS): string {
  const lines = settings.map((setting) => {
    const [names, text] = SETTINGS[setting];
    return names.length > 24 ? `  ${names}${INDENT}${text}` : `  ${names.padEnd(25)}${text}`;
  });
  return `\nEnvironment (a .env file in the working directory is read too):\n${lines.join('\n')}`;
}

export function exitCodesHelp(codes: readonly Exit[] = ALL_EXITS): string {
  const lines = codes.map((c) => `  ${String(c === 130 ? '130/143' : c).padEnd(9)}${EXITS[c]}`);
  return `\nExit codes:\n${lines.join('\n')}`;
}

/** The blocks after a command's options. */
export function commandHelp(settings: readonly Setting[], codes: readonly Exit[]): string {
  return `${environmentHelp(settings)}\n${exitCodesHelp(codes)}`;
}
