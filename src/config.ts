import os from 'node:os';
import path from 'node:path';
import { UsageError } from './errors.js';
import { parseNotifyUrl, type NotifyDestination } from './notify/destination.js';
import { isLoopbackHost, redactUrl } from './redact.js';

/** Everything the environment (and the optional .env) can set, validated and typed. */
export interface Config {
  /** A PostgreSQL server, or undefined for ytsync's private server with its data under `home`. */
  databaseUrl: string | undefined;
  home: string;
  credentialsPath: string;
  embeddedDbPath: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** Base of the YouTube Data API, always ending in '/'. Requests go to `<apiRoot>youtube/v3/…`. */
  apiRoot: string;
  oauth: { authUrl: string; tokenUrl: string; revokeUrl: string };
  dailyQuota: number;
  /** Where `pull` sends its report (YTSYNC_NOTIFY_URL); `--notify` overrides it. */
  notify: NotifyDestination | undefined;
}

export type Env = Record<string, string | undefined>;

/** Google's endpoints: the defaults, and where credentials saved before 0.2 were issued. */
export const GOOGLE = {
  apiRoot: 'https://youtube.googleapis.com/',
  authUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  revokeUrl: 'https://oauth2.googleapis.com/revoke',
};

/** Reads the settings of SPEC.md; reports every problem at once as one UsageError (exit 2). */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const nonEmpty = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const url = (name: string, fallback: string, protocols: string[]) => {
    const raw = nonEmpty(name) ?? fallback;
    let parsed: URL | undefined;
    try {
      parsed = new URL(raw);
    } catch {
      // parsed stays undefined
    }
    if (!parsed || !protocols.includes(parsed.protocol)) {
      // Never echo the value as given: a database URL carries its password.
      problems.push(`${name} must be a ${protocols.join(' or ')} URL (got "${redactUrl(raw)}")`);
      return fallback;
    }
    // Tokens travel to these endpoints: in the clear only to this machine (emulators, local proxies).
    if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
      problems.push(`${name} must use https (plain http only reaches 127.0.0.1 or localhost; got "${redactUrl(raw)}")`);
      return fallback;
    }
    return raw;
  };

  const databaseUrl = nonEmpty('DATABASE_URL');
  if (databaseUrl !== undefined) url('DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:']);

  const home =
    nonEmpty('YTSYNC_HOME') ??
    path.join(nonEmpty('XDG_CONFIG_HOME') ?? path.join(env.HOME ?? os.homedir(), '.config'), 'ytsync');

  let apiRoot = url('YTSYNC_API_ROOT', GOOGLE.apiRoot, ['http:', 'https:']);
  if (!apiRoot.endsWith('/')) apiRoot += '/';

  const quotaRaw = nonEmpty('YTSYNC_DAILY_QUOTA');
  let dailyQuota = 10_000;
  if (quotaRaw !== undefined) {
    dailyQuota = Number(quotaRaw);
    if (!Number.isSafeInteger(dailyQuota) || dailyQuota <= 0) {
      problems.push(`YTSYNC_DAILY_QUOTA must be a positive whole number of units (got "${quotaRaw}")`);
      dailyQuota = 10_000;
    }
  }

  // Its value is never repeated in a message: the URL may hold a token or a secret topic.
  const notifyRaw = nonEmpty('YTSYNC_NOTIFY_URL');
  let notify: NotifyDestination | undefined;
  if (notifyRaw !== undefined) {
    const parsed = parseNotifyUrl(notifyRaw);
    if ('problem' in parsed) problems.push(`YTSYNC_NOTIFY_URL ${parsed.problem}`);
    else notify = parsed;
  }

  const config: Config = {
    databaseUrl,
    home: path.resolve(home),
    credentialsPath: path.resolve(home, 'credentials.json'),
    embeddedDbPath: path.resolve(home, 'db'),
    clientId: nonEmpty('YTSYNC_CLIENT_ID'),
    clientSecret: nonEmpty('YTSYNC_CLIENT_SECRET'),
    apiRoot,
    oauth: {
      authUrl: url('YTSYNC_OAUTH_AUTH_URL', GOOGLE.authUrl, ['http:', 'https:']),
      tokenUrl: url('YTSYNC_OAUTH_TOKEN_URL', GOOGLE.tokenUrl, ['http:', 'https:']),
      revokeUrl: url('YTSYNC_OAUTH_REVOKE_URL', GOOGLE.revokeUrl, ['http:', 'https:']),
    },
    dailyQuota,
    notify,
  };
  if (problems.length > 0) throw new UsageError(`Invalid configuration: ${problems.join('; ')}.`);
  return config;
}
