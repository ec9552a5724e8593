import type { Db } from '../db/connection.js';
import { describeEstimate } from '../output/status-text.js';
import { estimateNextPull } from './queries.js';

/** The line `pull` prints before it spends anything: what the run will probably cost. */
export async function costEstimateMessage(db: Db, usedToday: number, dailyLimit: number): Promise<string> {
  const estimate = await estimateNextPull(db);
  if (!estimate) return 'cost: not known before the first run has listed your playlists';
  return `cost: ${describeEstimate(estimate, usedToday, dailyLimit)}`;
}
