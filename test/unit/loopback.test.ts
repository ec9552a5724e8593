import { afterEach, describe, expect, it } from 'vitest';
import { LoginCancelledError, LoginTimeoutError, LoopbackServer } from '../../src/auth/loopback.js';

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const expect42 = (state: string) => state === '42';

describe('LoopbackServer', () => {
  it('listens on 127.0.0.1 on a free port by default', async () => {
    server = await LoopbackServer.listen(0);
    expect(server.port).toBeGreaterThan(0);
    expect(server.redirectUri).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it('refuses a wrong state with 400 and keeps waiting for the right one', async () => {
    server = await LoopbackServer.listen(0);
    const waiting = server.waitForRedirect(expect42, { timeoutSeconds: 10 });

    const wrong = await fetch(`${server.redirectUri}?code=stolen&state=41`);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toMatch(/still waiting/);
    const favicon = await fetch(`${server.redirectUri}favicon.ico`);
    expect(favicon.status).toBe(404);

    const right = fetch(`${server.redirectUri}?code=good&state=42`);
    const redirect = await waiting;
    expect(redirect.params.get('code')).toBe('good');
    // The tab is answered only once the command knows how the exchange went.
    redirect.respond({ ok: true });
    const page = await right;
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/close this tab/);
  });

  it('hands back an error redirect (consent refused) and shows a failure page', async () => {
    server = await LoopbackServer.listen(0);
    const waiting = server.waitForRedirect(expect42, { timeoutSeconds: 10 });
    const tab = fetch(`${server.redirectUri}?error=access_denied&state=42`);
    const redirect = await waiting;
    expect(redirect.params.get('error')).toBe('access_denied');
    redirect.respond({ ok: false, message: 'Google did not <authorize>.' });
    const html = await (await tab).text();
    expect(html).toMatch(/login failed/);
    expect(html).toContain('&#60;authorize&#62;'); // escaped
  });

  it('times out cleanly', async () => {
    server = await LoopbackServer.listen(0);
    await expect(server.waitForRedirect(expect42, { timeoutSeconds: 0.05 })).rejects.toBeInstanceOf(LoginTimeoutError);
  });

  it('stops waiting on SIGINT', async () => {
    server = await LoopbackServer.listen(0);
    const controller = new AbortController();
    const waiting = server.waitForRedirect(expect42, { timeoutSeconds: 10, signal: controller.signal });
    controller.abort('SIGINT');
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginCancelledError);
    expect((error as LoginCancelledError).exitCode).toBe(130);
  });

  it('reports a busy port as a usage error', async () => {
    server = await LoopbackServer.listen(0);
    await expect(LoopbackServer.listen(server.port)).rejects.toMatchObject({ exitCode: 2 });
  });

  it('closes even while a browser keeps a connection open', async () => {
    server = await LoopbackServer.listen(0);
    const { redirectUri } = server;
    void server.waitForRedirect(expect42, { timeoutSeconds: 10 }).catch(() => undefined);
    const held = fetch(`${redirectUri}?code=c&state=42`).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    await server.close();
    server = undefined;
    await held;
    await expect(fetch(redirectUri)).rejects.toThrow();
  });
});
