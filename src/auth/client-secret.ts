import { promises as fs } from 'node:fs';
import type { Config } from '../config.js';
import { UsageError } from '../errors.js';
import { CONSOLE } from './setup-guide.js';

/** The OAuth client ytsync authorizes as: a Google Cloud "Desktop app" client. */
export interface OAuthClientId {
  clientId: string;
  clientSecret: string;
  /** Where it came from, for messages ("--client-secret FILE", "YTSYNC_CLIENT_ID", …). */
  source: string;
}

const DESKTOP_APP_HOWTO =
  `Create a "Desktop app" OAuth client in your Google Cloud project (${CONSOLE.createClient}, Application type: ` +
  'Desktop app), download its JSON and run `ytsync login --client-secret <that file>`; the consent screen and test users ' +
  'you set up stay as they are. (`ytsync login` without a client prints every step.)';

/** No client anywhere (flag, environment, earlier login): `ytsync login` then prints the whole setup. */
export class NoOAuthClient extends UsageError {}

/**
 * Parses the JSON Google Cloud Console downloads for an OAuth client. Only `installed`
 * (Desktop app) clients work: Google accepts any loopback port for those, while a `web`
 * client would need every redirect URI registered in advance.
 */
export function parseClientSecretJson(text: string, file: string): OAuthClientId {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not valid JSON; expected the client secret file downloaded from Google Cloud Console.`);
  }
  const root = isObject(parsed) ? parsed : {};
  if (isObject(root.web) && !isObject(root.installed)) {
    throw new UsageError(
      `${file} is the JSON of a "Web application" OAuth client, which ytsync cannot log in with: ytsync receives Google's answer ` +
        'on 127.0.0.1 at a port chosen at each login, and Google allows that only for a "Desktop app" client (a Web client ' +
        `needs every redirect URI registered in advance). ${DESKTOP_APP_HOWTO}`,
    );
  }
  if (root.type === 'service_account') {
    throw new UsageError(`${file} is a service account key, not an OAuth client: a service account has no YouTube channel to read. ${DESKTOP_APP_HOWTO}`);
  }
  const installed = root.installed;
  if (!isObject(installed)) {
    throw new UsageError(`${file} is not a Google OAuth client secret file (no "installed" key). ${DESKTOP_APP_HOWTO}`);
  }
  const clientId = nonEmptyString(installed.client_id);
  const clientSecret = nonEmptyString(installed.client_secret);
  if (!clientId || !clientSecret) {
    throw new UsageError(`${file} lacks "installed.client_id" or "installed.client_secret".`);
  }
  return { clientId, clientSecret, source: file };
}

/** Reads `--client-secret FILE`; any unreadable file is a usage error (exit 2), not a crash. */
export async function readClientSecretFile(file: string): Promise<OAuthClientId> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'read error');
    throw new UsageError(`Cannot read the client secret file ${file} (${why}).`);
  }
  return parseClientSecretJson(text, file);
}

/**
 * Picks the OAuth client for `ytsync login`: the --client-secret file, else YTSYNC_CLIENT_ID/_SECRET,
 * else the client stored by a previous login (so logging in again needs no flags).
 */
export async function resolveOAuthClient(
  config: Pick<Config, 'clientId' | 'clientSecret'>,
  file: string | undefined,
  stored?: { clientId: string; clientSecret: string },
): Promise<OAuthClientId> {
  if (file !== undefined) return readClientSecretFile(file);
  const { clientId, clientSecret } = config;
  if (clientId && clientSecret) return { clientId, clientSecret, source: 'YTSYNC_CLIENT_ID/YTSYNC_CLIENT_SECRET' };
  if (clientId || clientSecret) {
    throw new UsageError('Set both YTSYNC_CLIENT_ID and YTSYNC_CLIENT_SECRET, or pass --client-secret FILE.');
  }
  if (stored) return { ...stored, source: 'the previous login' };
  throw new NoOAuthClient('no OAuth client yet: set one up as above, then run `ytsync login --client-secret FILE`.');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
