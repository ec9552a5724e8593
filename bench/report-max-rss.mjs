// Preloaded into the measured process (node --import): reports the process's own peak RSS as
// it exits, whatever path it exits by. process.resourceUsage().maxRSS is getrusage's ru_maxrss (KiB).
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\nbench-max-rss-kib=${process.resourceUsage().maxRSS}\n`);
});
