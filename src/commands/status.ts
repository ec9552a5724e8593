import type { CommandContext } from '../context.js';
import { untilInterrupted } from '../errors.js';
import { formatStatus } from '../output/status-text.js';
import { gatherStatus } from '../status/gather.js';

/** `ytsync status [--json]`: offline, without credentials, and answering even while a pull runs. */
export async function statusCommand({ config, io }: CommandContext, options: { json?: boolean }): Promise<void> {
  const report = await untilInterrupted(io.signal, gatherStatus(config));
  if (options.json) {
    for (const warning of report.warnings) io.stderr.write(`ytsync: warning: ${warning}\n`);
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stdout.write(`${formatStatus(report)}\n`);
  }
}
