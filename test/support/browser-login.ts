import type { Env } from '../../src/config.js';
import { runInProcess, type CliResult } from './cli.js';

/**
 * Runs `ytsync login --no-browser` in this process and exposes the authorization URL as soon as
 * the command prints it (on a line of its own), so a test can play the browser.
 */
export function startLogin(args: string[], env: Env, options: { signal?: AbortSignal } = {}): {
  authUrl: Promise<string>;
  done: Promise<CliResult>;
} {
  let seen = '';
  let found: (url: string) => void = () => undefined;
  const urlPrinted = new Promise<string>((resolve) => (found = resolve));
  const done = runInProcess(['login', '--no-browser', '--port', '0', ...args], env, {
    signal: options.signal,
    onOutput: (_stream, chunk) => {
      seen += chunk;
      const line = /^(https?:\/\/\S+)$/m.exec(seen);
      if (line) found(line[1]!);
    },
  });
  const ended = done.then((r): never => {
    throw new Error(`login ended (exit ${r.code}) before printing a URL:\n${r.stderr}`);
  });
  ended.catch(() => undefined); // only observed through the race below
  return { authUrl: Promise.race([urlPrinted, ended]), done };
}

/** What the user does in the browser: open the URL, consent; returns where Google redirects to. */
export async function consent(authUrl: string): Promise<URL> {
  const res = await fetch(authUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`authorization endpoint answered ${res.status}, not a redirect`);
  return new URL(location);
}

/** The whole dance: login, consent, follow the redirect to the loopback; returns the CLI result. */
export async function loginThroughBrowser(args: string[], env: Env): Promise<CliResult & { page: Response }> {
  const { authUrl, done } = startLogin(args, env);
  const redirect = await consent(await authUrl);
  const page = await fetch(redirect);
  return { ...(await done), page };
}
