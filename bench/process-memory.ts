import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Memory of the program AND the private server it runs (Linux /proc): the CLI's RSS plus the
 * RSS of every process of the server's tree (postmaster and its children), sampled. Summed
 * RSS counts shared buffers once per process that touched them, so it overstates; PSS (shared
 * pages split among their users) is the memory really taken, reported beside it.
 */
export interface MemorySample {
  rssMb: number;
  pssMb: number;
  serverRssMb: number;
}

function kb(file: string, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
  } catch {
    return 0;
  }
}

/** The postmaster of `dataDir` (from its postmaster.pid) and its children. */
export function serverProcesses(dataDir: string | undefined): number[] {
  if (!dataDir) return [];
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return [];
  }
  const children = readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => parentOf(pid) === postmaster);
  return [postmaster, ...children];
}

export function sample(cliPid: number, dataDir: string | undefined): MemorySample {
  const server = serverProcesses(dataDir);
  const rss = (pid: number) => kb(`/proc/${pid}/status`, 'VmRSS');
  const pss = (pid: number) => kb(`/proc/${pid}/smaps_rollup`, 'Pss');
  const serverRss = server.reduce((n, pid) => n + rss(pid), 0);
  return {
    rssMb: (rss(cliPid) + serverRss) / 1024,
    pssMb: [cliPid, ...server].reduce((n, pid) => n + pss(pid), 0) / 1024,
    serverRssMb: serverRss / 1024,
  };
}

/** Samples every `everyMs` until stopped; the peaks. */
export function watchMemory(cliPid: number, dataDir: string | undefined, everyMs = 50): () => MemorySample {
  const peak: MemorySample = { rssMb: 0, pssMb: 0, serverRssMb: 0 };
  const timer = setInterval(() => {
    const s = sample(cliPid, dataDir);
    peak.rssMb = Math.max(peak.rssMb, s.rssMb);
    peak.pssMb = Math.max(peak.pssMb, s.pssMb);
    peak.serverRssMb = Math.max(peak.serverRssMb, s.serverRssMb);
  }, everyMs);
  return () => {
    clearInterval(timer);
    return peak;
  };
}
