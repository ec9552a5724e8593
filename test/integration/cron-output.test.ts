import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLibrary } from '../fakes/generate-library.js';
import { YouTubeEmulator } from '../fakes/youtube-emulator.js';
import { BIN, runChild, runInProcess } from '../support/cli.js';
import { createWorkspace, TEST_DATABASE, type Workspace } from '../support/database.js';

// Issue 6, acceptance 2 (SPEC.md "Cron"): without a TTY no escape sequences, one plain line per
// event and a summary line at the end; --quiet prints only the summary; NO_COLOR on a TTY.

const ESC = '\x1b[';
const SUMMARY = /^pull complete: \d+ playlists, [\d,]+ items, [\d,]+ videos .* units spent, [\d,]+ of [\d,]+ left today$/;
const lines = (text: string) => text.split('\n').filter((l) => l !== '');

describe(`pull output for cron and terminals (${TEST_DATABASE})`, () => {
  let emulator: YouTubeEmulator;
  let ws: Workspace;

  beforeAll(async () => {
    emulator = await YouTubeEmulator.start({ library: generateLibrary({ seed: 3, playlists: 3, items: 90, likes: 12 }) });
    ws = await createWorkspace(emulator);
    await ws.seedCredentials(emulator);
  });
  afterAll(async () => {
    await emulator?.stop();
    await ws?.cleanup();
  });

  it('without a TTY: plain timestamped lines, no escape codes, the summary last; --quiet: the summary only', async () => {
    // FORCE_COLOR would make colour libraries colour even without a terminal: ytsync must not.
    const first = await runChild(['pull'], { ...ws.env, FORCE_COLOR: '3', TERM: 'xterm-256color' });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout + first.stderr).not.toContain(ESC);
    expect(first.stdout + first.stderr).not.toMatch(/[\r\u2800-\u28ff]/); // no carriage returns, no braille spinner frames
    const out = lines(first.stdout);
    expect(out).toHaveLength(1);
    expect(out.at(-1)).toMatch(SUMMARY);
    const events = lines(first.stderr);
    expect(events.length).toBeGreaterThan(2);
    for (const line of events) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S/);
    expect(first.stderr).toMatch(/cost: not known before the first run/);

    const quiet = await runChild(['pull', '--quiet'], ws.env);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(lines(quiet.stdout)).toHaveLength(1);
    expect(quiet.stdout.trim()).toMatch(SUMMARY);
  });

  it('--quiet still prints errors', async () => {
    const result = await runInProcess(['pull', '--quiet'], { ...ws.env, YTSYNC_HOME: `${ws.home}/nobody` });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/ytsync login/);
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.runIf(hasScript && TEST_DATABASE === 'embedded')('on a TTY: a spinner, coloured unless NO_COLOR is set', async () => {
    const onTty = (extra: Record<string, string>) =>
      new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        // script(1) gives the program a pseudo-terminal, as an interactive shell would.
        const child = spawn('script', ['-qec', `stty cols 100 rows 30; "${process.execPath}" "${BIN}" pull`, '/dev/null'], {
          env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color', ...ws.env, ...extra },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
        child.on('error', reject).on('close', (code) => resolve({ code, output }));
      });
    const colour = /\x1b\[(3\d|9\d|38;[\d;]+)m/;
    const plain = await onTty({ NO_COLOR: '1' });
    expect(plain.code, plain.output).toBe(0);
    expect(plain.output).toMatch(/pull complete: /);
    expect(plain.output).not.toMatch(colour);
    expect(plain.output).not.toMatch(/^\d{4}-\d\d-\d\dT/m); // the terminal gets the spinner, not log lines

    const coloured = await onTty({});
    expect(coloured.code, coloured.output).toBe(0);
    expect(coloured.output).toMatch(colour);
  });
});
