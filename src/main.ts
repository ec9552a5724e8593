import { config as loadDotenv } from 'dotenv';
import { runCli } from './cli.js';
import { ExitCode } from './errors.js';

/**
 * The process entry point and the only place that calls process.exit. SIGINT/SIGTERM abort
 * the run's signal: a pull finishes (or abandons) the page in flight, saves its resume point
 * and exits 130/143. A second signal exits at once.
 */
export async function main(): Promise<never> {
  loadDotenv({ quiet: true });
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A reader that goes away (`ytsync export | head`) ends the output, and with it the command:
  // quietly, as other tools do — not as an uncaught EPIPE with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.ok);
    throw error;
  });
  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
  });
  process.exit(code);
}
