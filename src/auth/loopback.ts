import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExitCode, UsageError, YtsyncError } from '../errors.js';

/** What the browser brought back to the loopback redirect, once its `state` matched. */
export interface Redirect {
  /** The query of the redirect: `code`, or `error` (e.g. access_denied) when consent was refused. */
  params: URLSearchParams;
  /** Answers the waiting browser tab; called once the code has been exchanged (or not). */
  respond(outcome: { ok: true } | { ok: false; message: string }): void;
}

/** The browser never came back: exit 1 (an expected failure, so no stack trace). */
export class LoginTimeoutError extends YtsyncError {
  constructor(seconds: number) {
    super(`Timed out after ${seconds} s waiting for the browser to finish the login. Run \`ytsync login\` again.`, ExitCode.failure);
  }
}

/** Ctrl-C / SIGTERM while waiting for the browser. */
export class LoginCancelledError extends YtsyncError {
  constructor(signal: unknown) {
    super('Login cancelled; nothing was stored.', signal === 'SIGTERM' ? ExitCode.sigterm : ExitCode.sigint);
  }
}

/**
 * The HTTP server the browser is redirected to. It listens on 127.0.0.1 only — never every
 * interface, so nobody else on the network can deliver (or steal) a code — and on any free port
 * unless told otherwise: Google accepts any loopback port for Desktop app clients.
 */
export class LoopbackServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async listen(port = 0): Promise<LoopbackServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') reject(new UsageError(`Port ${port} on 127.0.0.1 is in use; choose another --port, or 0 for any free port.`));
        else if (error.code === 'EACCES') reject(new UsageError(`Not allowed to listen on 127.0.0.1:${port}; choose another --port, or 0 for any free port.`));
        else reject(error);
      });
      server.listen({ host: '127.0.0.1', port }, resolve);
    });
    return new LoopbackServer(server, (server.address() as AddressInfo).port);
  }

  /** The redirect URI registered with the authorization request. */
  get redirectUri(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /**
   * Resolves with the first redirect whose `state` passes `isExpectedState`. Anything else —
   * a forged or stale redirect with the wrong state, a favicon request — is refused and the
   * server keeps waiting, so a stray request cannot end (or hijack) the login.
   */
  waitForRedirect(
    isExpectedState: (state: string) => boolean,
    options: { timeoutSeconds: number; signal?: AbortSignal },
  ): Promise<Redirect> {
    return new Promise<Redirect>((resolve, reject) => {
      let settled = false;
      const finish = () => {
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.server.off('request', onRequest);
        // Later requests (a reload of the tab) get a plain answer instead of hanging.
        this.server.on('request', (_req, res) => sendPage(res, 410, 'Already done', 'ytsync has already received this login. You can close this tab.'));
      };
      const onAbort = () => {
        if (settled) return;
        finish();
        reject(new LoginCancelledError(options.signal?.reason));
      };
      // setTimeout fires at once beyond 2^31-1 ms (~24 days), so a huge --timeout is capped.
      const timer = setTimeout(() => {
        if (settled) return;
        finish();
        reject(new LoginTimeoutError(options.timeoutSeconds));
      }, Math.min(options.timeoutSeconds * 1000, 2 ** 31 - 1));
      const onRequest = (req: IncomingMessage, res: ServerResponse) => {
        const params = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
        const state = params.get('state');
        if (req.method !== 'GET' || (state === null && !params.has('code') && !params.has('error'))) {
          sendPage(res, 404, 'Not found', 'This is ytsync waiting for a Google sign-in; nothing else lives here.');
          return;
        }
        if (state === null || !isExpectedState(state) || !(params.has('code') || params.has('error'))) {
          sendPage(res, 400, 'Unexpected sign-in response', 'This response does not belong to the login ytsync is waiting for (its state does not match), so it was ignored. ytsync is still waiting. You can close this tab.');
          return;
        }
        finish();
        let answered = false;
        resolve({
          params,
          respond(outcome) {
            if (answered) return;
            answered = true;
            if (outcome.ok) sendPage(res, 200, 'ytsync is authorized', 'You are logged in. You can close this tab and return to the terminal.');
            else sendPage(res, 200, 'ytsync login failed', `${outcome.message} You can close this tab and return to the terminal.`);
          },
        });
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.server.on('request', onRequest);
    });
  }

  /** Stops listening and drops open connections (a browser's keep-alive would otherwise hold it open). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

function sendPage(res: ServerResponse, status: number, title: string, message: string): void {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36em; margin: 4em auto">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
</body></html>
`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    // The address bar holds the authorization code: keep it out of Referer headers.
    'Referrer-Policy': 'no-referrer',
    Connection: 'close',
  });
  res.end(body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
