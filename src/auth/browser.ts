import { spawn } from 'node:child_process';

/**
 * Asks the desktop to open `url`, best effort. Every failure (no desktop, no xdg-open, SSH) is
 * ignored: the URL has already been printed for the user to open by hand. Deliberately not the
 * `open` package: one spawn does the job without another dependency.
 */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [command, args] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? // Not `cmd /c start`: cmd would split the URL at every '&'.
          ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // spawn can throw synchronously (e.g. EPERM); the printed URL is the fallback.
  }
}
