// Loaded into the ytsync child with `node --import` by bench/pull.ts (never by the program itself):
// measures the CPU time of the program, how much of the wall time the database was busy (the union of the intervals in
// which at least one query or transaction was in flight) and the peak RSS, and writes both
// to the file named by YTSYNC_BENCH_PROBE_OUT when the process exits.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let inFlight = 0;
let busySince = 0;
let busyMs = 0;
const started = performance.now();

function enter() {
  if (inFlight++ === 0) busySince = performance.now();
}
function leave() {
  if (--inFlight === 0) busyMs += performance.now() - busySince;
}
function wrap(proto, name) {
  const original = proto[name];
  if (typeof original !== 'function') return;
  proto[name] = function (...args) {
    enter();
    let result;
    try {
      result = original.apply(this, args);
    } catch (error) {
      leave();
      throw error;
    }
    if (result && typeof result.then === 'function') return result.finally(leave);
    leave();
    return result;
  };
}

const pg = require('pg');
wrap(pg.Client.prototype, 'query');

process.on('exit', () => {
  const out = process.env.YTSYNC_BENCH_PROBE_OUT;
  if (!out) return;
  const cpu = process.cpuUsage();
  writeFileSync(out, JSON.stringify({ busyMs, wallMs: performance.now() - started, maxRssKb: process.resourceUsage().maxRSS, cpuMs: (cpu.user + cpu.system) / 1000 }));
});
