import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChild, runInProcess, type CliResult } from '../support/cli.js';
import { TEST_DATABASE } from '../support/database.js';
import { expectNoStackTrace, startScenario, type Scenario } from '../support/scenario.js';

/** An HTTP server that answers nothing useful and counts what reaches it: "nothing sent there". */
async function countingServer(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Issue 11, acceptance 3 and 4: no password or token in any output, and stored credentials
 * bound to the endpoints they were issued by — a stray .env that points elsewhere is refused
 * (exit 2) before anything is sent.
 */
describe(`secrets stay secret (${TEST_DATABASE})`, () => {
  let s: Scenario;
  let cwd: string;

  beforeEach(async () => {
    s = await startScenario({ seed: 3, playlists: 2, items: 20, likes: 5 });
    cwd = await mkdtemp(path.join(os.tmpdir(), 'ytsync-cwd-'));
  });
  afterEach(async () => {
    await s.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('bad settings never echo a password or token, whatever the command', async () => {
    const secret = 'S3cr3t-pa55';
    const cases: Array<[string[], Record<string, string>]> = [
      [['status'], { DATABASE_URL: `mysql://me:${secret}@db.example/ytsync` }],
      [['status', '--json'], { DATABASE_URL: `postgresql://me@127.0.0.1:1/ytsync?password=${secret}&sslpassword=${secret}` }],
      [['pull', '--json'], { DATABASE_URL: `postgres://me:${secret}@127.0.0.1:1/ytsync` }],
      [['export'], { DATABASE_URL: `postgres://me:${secret}@127.0.0.1:1/ytsync?connect_timeout=1` }],
      [['pull'], { YTSYNC_OAUTH_TOKEN_URL: `https://user:${secret}@elsewhere.example/token?key=${secret}` }],
      [['pull'], { YTSYNC_API_ROOT: `http://elsewhere.example/?token=${secret}` }],
      [['login', '--port', '70000'], {}],
    ];
    const credentials = await import('node:fs/promises').then((fs) => fs.readFile(path.join(s.ws.home, 'credentials.json'), 'utf8'));
    const { refreshToken, clientSecret } = JSON.parse(credentials) as { refreshToken: string; clientSecret: string };
    for (const [argv, env] of cases) {
      const result: CliResult = await runInProcess(argv, { ...s.ws.env, ...env });
      const output = result.stdout + result.stderr;
      expect(result.code, `${argv.join(' ')}: ${output}`).not.toBe(0);
      expectNoStackTrace(result.stderr);
      for (const word of [secret, refreshToken, clientSecret]) expect(output, argv.join(' ')).not.toContain(word);
    }
  });

  it('status shows a ?password= database URL redacted', async () => {
    if (TEST_DATABASE !== 'postgres') return;
    const url = new URL(s.ws.env.DATABASE_URL!);
    url.searchParams.set('password', 'n0t-4-pr1nt');
    const result = await runInProcess(['status', '--json'], { ...s.ws.env, DATABASE_URL: url.toString() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('n0t-4-pr1nt');
    expect(JSON.parse(result.stdout).database.location).toContain('password=***');
  });

  it.each(['YTSYNC_OAUTH_TOKEN_URL', 'YTSYNC_API_ROOT'])('a stray .env setting %s elsewhere: exit 2, one line, nothing sent there', async (setting) => {
    const trap = await countingServer();
    try {
      const target = setting === 'YTSYNC_API_ROOT' ? trap.url : `${trap.url}token`;
      await writeFile(path.join(cwd, '.env'), `${setting}=${target}\n`);
      const before = s.emulator.stats.requests;
      // The built program, started from that folder as cron or a user would: it reads the .env.
      const { [setting]: _fromTest, ...env } = s.ws.env;
      const result = await runChild(['pull'], env, cwd);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(new RegExp(`${setting} is .*but your login was issued for .*stray \\.env in ${cwd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(trap.hits).toEqual([]);
      expect(s.emulator.stats.requests).toBe(before);
    } finally {
      await trap.close();
    }
  });

  it('plain http is refused for any host but this machine', async () => {
    const result = await runInProcess(['pull'], { ...s.ws.env, YTSYNC_OAUTH_TOKEN_URL: 'http://tokens.example/token' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/YTSYNC_OAUTH_TOKEN_URL must use https \(plain http only reaches 127\.0\.0\.1 or localhost/);
  });
});
