/**
 * `npm run demo`: the whole tool on a fresh machine, without a Google account. Starts the
 * in-repo YouTube + OAuth emulator with a generated library, then runs the real program
 * (bin/ytsync.js, as a child process, against a throwaway YTSYNC_HOME and the private PostgreSQL server):
 * `login --no-browser` (this script plays the browser), `pull` with its progress, `status`.
 *
 *   npx tsx scripts/demo.ts [--keep]     --keep leaves the throwaway folder for you to explore
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { YouTubeEmulator } from '../test/fakes/youtube-emulator.js';
import { aMonthLater, demoLibrary } from './demo-library.js';

const BIN = fileURLToPath(new URL('../bin/ytsync.js', import.meta.url));
const keep = process.argv.includes('--keep');

function say(text: string): void {
  process.stdout.write(`\n\u25b6 ${text}\n`);
}

/** Runs ytsync; `onStderr` sees its stderr as it comes (else stderr is the terminal's). */
function ytsync(args: string[], env: NodeJS.ProcessEnv, cwd: string, onStderr?: (chunk: string) => void): Promise<number> {
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd, stdio: ['ignore', 'inherit', onStderr ? 'pipe' : 'inherit'] });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    process.stderr.write(chunk);
    onStderr!(chunk);
  });
  return new Promise((resolve, reject) => child.on('error', reject).on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}

/** What a person does in the browser: open the URL, consent, land on the loopback page. */
async function playBrowser(authUrl: string): Promise<void> {
  const consent = await fetch(authUrl, { redirect: 'manual' });
  const redirect = consent.headers.get('location');
  if (consent.status !== 302 || !redirect) throw new Error(`the consent page answered ${consent.status}`);
  const landing = await fetch(redirect);
  await landing.text();
}

async function main(): Promise<number> {
  if (!existsSync(fileURLToPath(new URL('../dist/main.js', import.meta.url)))) {
    process.stderr.write('demo: the program is not built; run `npm run build` (or `npm run demo`, which builds).\n');
    return 1;
  }
  const home = await mkdtemp(path.join(os.tmpdir(), 'ytsync-demo-'));
  // Like a real home folder's parent: others may pass through (not list). Run as root, ytsync's
  // private server runs as nobody and must reach YTSYNC_HOME/db through it.
  await chmod(home, 0o711);
  const { library, story } = demoLibrary();
  const emulator = await YouTubeEmulator.start({ library });
  try {
    const expected = emulator.library.expectedMirror();
    const items = Object.values(expected.items).reduce((n, list) => n + list.length, 0);
    say(
      `A pretend YouTube account at ${emulator.url}: ${expected.playlists.length} playlists and a Liked list, ` +
        `${items} items, ${expected.unavailableVideoIds.length} of the videos deleted or private.`,
    );

    // Only what the demo sets: not the caller's DATABASE_URL or YTSYNC_* (and the working
    // folder is the throwaway one, so no .env of yours is read either).
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL' && !name.startsWith('YTSYNC_')),
    );
    Object.assign(env, {
      YTSYNC_HOME: path.join(home, 'ytsync'),
      YTSYNC_API_ROOT: emulator.url,
      YTSYNC_OAUTH_AUTH_URL: emulator.oauthUrls.auth,
      YTSYNC_OAUTH_TOKEN_URL: emulator.oauthUrls.token,
      YTSYNC_OAUTH_REVOKE_URL: emulator.oauthUrls.revoke,
      YTSYNC_CLIENT_ID: emulator.oauth.defaultClient.clientId,
      YTSYNC_CLIENT_SECRET: emulator.oauth.defaultClient.clientSecret,
    });

    say('ytsync login --no-browser   (the demo plays the browser: it opens the printed URL and consents)');
    let printed = '';
    let browsing: Promise<void> | undefined;
    const login = await ytsync(['login', '--no-browser'], env, home, (chunk) => {
      printed += chunk;
      const url = /^(https?:\/\/\S+)$/m.exec(printed)?.[1];
      if (url && !browsing) browsing = playBrowser(url);
    });
    await browsing;
    if (login !== 0) throw new Error(`ytsync login exited ${login}`);

    say("ytsync pull   (a full first sync into ytsync's private PostgreSQL server)");
    const pull = await ytsync(['pull'], env, home);
    if (pull !== 0) throw new Error(`ytsync pull exited ${pull}`);

    say('ytsync status');
    const status = await ytsync(['status'], env, home);
    if (status !== 0) throw new Error(`ytsync status exited ${status}`);

    aMonthLater(library, story);
    say('A month later: YouTube deleted a video, another went private, an uploader renamed one, and you took one out of a playlist. ytsync pull --quiet');
    const again = await ytsync(['pull', '--quiet'], env, home);
    if (again !== 0) throw new Error(`ytsync pull exited ${again}`);

    // Browsing works offline: the emulator could be gone by now.
    const offline = { ...env, YTSYNC_API_ROOT: 'http://127.0.0.1:9/' };
    for (const args of [['changes'], ['playlists'], ['search', 'midnight', 'city'], ['search', 'cafe', '--unavailable'], ['show', story.removed.playlistTitle, '--all']]) {
      say(`ytsync ${args.map((a) => (/\s/u.test(a) ? `"${a}"` : a)).join(' ')}`);
      const code = await ytsync(args, offline, home);
      if (code !== 0) throw new Error(`ytsync ${args[0]} exited ${code}`);
    }

    say(
      keep
        ? `Done. The throwaway data is kept in ${home} (YTSYNC_HOME=${env.YTSYNC_HOME}); delete it when you are done.`
        : 'Done. The throwaway data has been removed (run `npx tsx scripts/demo.ts --keep` to explore it with `ytsync status` or SQL).',
    );
    return 0;
  } catch (error) {
    process.stderr.write(`demo: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await emulator.stop();
    if (!keep) await rm(home, { recursive: true, force: true });
  }
}

process.exitCode = await main();
