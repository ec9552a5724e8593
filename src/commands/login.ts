import type { OAuth2Client } from 'google-auth-library';
import { describeHttpError, LoopbackAuthorizationFlow } from '../auth/authorization-flow.js';
import { openBrowser } from '../auth/browser.js';
import { NoOAuthClient, resolveOAuthClient } from '../auth/client-secret.js';
import { setupGuide } from '../auth/setup-guide.js';
import type { CredentialStore, StoredCredentials } from '../auth/credential-store.js';
import { credentialStore, endpointsOf, newOAuthClient } from '../auth/oauth-client.js';
import type { Config } from '../config.js';
import type { CommandContext } from '../context.js';
import { YtsyncError } from '../errors.js';
import { DEFAULT_BACKOFF } from '../youtube/backoff.js';
import { YouTubeClient } from '../youtube/client.js';
import { QuotaMeter } from '../youtube/quota-meter.js';

export interface LoginOptions {
  clientSecret?: string;
  browser: boolean;
  port: number;
  timeout: number;
}

/**
 * `ytsync login`: loopback OAuth with PKCE, then `channels.list mine=true` to say whose account
 * it is. The authorization URL goes to stderr (stdout carries only the result line); no token is
 * ever printed.
 */
export async function loginCommand(ctx: CommandContext, opts: LoginOptions): Promise<void> {
  const { config, io } = ctx;
  const store = credentialStore(config);
  const oauthClient = await resolveOAuthClient(config, opts.clientSecret, await previousClient(store)).catch((error: unknown) => {
    // A first login: the numbered setup, then the error's one line with the command to run next.
    if (error instanceof NoOAuthClient) io.stderr.write(`${setupGuide()}\n`);
    throw error;
  });
  const client = newOAuthClient(config, oauthClient.clientId, oauthClient.clientSecret);

  const flow = new LoopbackAuthorizationFlow(client, {
    port: opts.port,
    timeoutSeconds: opts.timeout,
    signal: io.signal,
    presentUrl: (url) => {
      const port = new URL(new URL(url).searchParams.get('redirect_uri') ?? 'http://127.0.0.1/').port;
      io.stderr.write(`Open this URL in a browser to authorize ytsync (waiting up to ${opts.timeout} s):\n\n${url}\n\n`);
      if (opts.browser) {
        openBrowser(url);
      } else {
        // The redirect lands on 127.0.0.1 of the machine running the browser.
        io.stderr.write(`Browser on another machine? Forward the port first: ssh -L ${port}:127.0.0.1:${port} <this host>\n`);
      }
    },
  });
  const tokens = await flow.authorize();

  let credentials: StoredCredentials = {
    version: 1,
    clientId: oauthClient.clientId,
    clientSecret: oauthClient.clientSecret,
    refreshToken: tokens.refresh_token,
    accessToken: tokens.access_token ?? undefined,
    expiryDate: tokens.expiry_date ?? undefined,
    scope: tokens.scope ?? undefined,
    endpoints: endpointsOf(config),
    savedAt: new Date().toISOString(),
  };
  // Saved before the channel lookup so that a failing lookup never throws the grant away.
  await store.save(credentials);

  client.setCredentials(tokens);
  let account: StoredCredentials['account'];
  try {
    const meter = new QuotaMeter(undefined);
    account = await lookUpChannel(config, client, meter, io.signal).finally(() => recordLoginUnits(config, meter));
  } catch (error) {
    const why = error instanceof YtsyncError ? error.message : describeHttpError(error);
    io.stderr.write(`ytsync: warning: could not look up your channel (${why}); \`ytsync pull\` will try again.\n`);
    io.stdout.write('Logged in (channel unknown).\n');
    return;
  }
  if (!account) {
    io.stdout.write('Logged in, but this Google account has no YouTube channel.\n');
    return;
  }
  credentials = { ...credentials, account, savedAt: new Date().toISOString() };
  await store.save(credentials);
  io.stdout.write(`Logged in as ${account.title} (${account.channelId})\n`);
  io.stderr.write(`Credentials saved to ${store.location}\n`);
}

/** The client of an earlier login, so `ytsync login` again needs no flags. Unreadable = none. */
async function previousClient(store: CredentialStore): Promise<{ clientId: string; clientSecret: string } | undefined> {
  try {
    const stored = await store.load();
    return stored && { clientId: stored.clientId, clientSecret: stored.clientSecret };
  } catch {
    return undefined;
  }
}

/**
 * `channels.list mine=true` through the same client `pull` uses: its one retry layer, every
 * attempt counted by the meter (the API package loads only here).
 */
async function lookUpChannel(config: Config, oauth: OAuth2Client, meter: QuotaMeter, signal: AbortSignal): Promise<{ channelId: string; title: string } | undefined> {
  const { youtube_v3 } = await import('@googleapis/youtube');
  const client = new YouTubeClient({
    api: new youtube_v3.Youtube({ auth: oauth, rootUrl: config.apiRoot }),
    oauth,
    meter,
    backoff: DEFAULT_BACKOFF,
    signal,
    tokenUrl: config.oauth.tokenUrl,
  });
  const channel = await client.channelMine();
  return channel ? { channelId: channel.channelId, title: channel.title ?? channel.channelId } : undefined;
}

/**
 * The channel lookup cost units (one per attempt), and every unit belongs in the ledger (SPEC.md,
 * Quota). Best effort: a login must not fail because the database is busy or not set up yet.
 */
async function recordLoginUnits(config: Config, meter: QuotaMeter): Promise<void> {
  try {
    const { openDatabase } = await import('../db/connection.js');
    const database = await openDatabase(config, { pullLock: false, command: 'login' });
    try {
      await meter.flush(database.db);
    } finally {
      await database.close();
    }
  } catch {
    // The ledger informs; a missing unit only makes the estimate of today's usage one lower.
  }
}
