import type { Db } from '../db/connection.js';
import type { YouTubeClient } from '../youtube/client.js';
import type { ReaderContext } from './list-read.js';
import type { RunRow } from './run-store.js';
import type { RunControl } from './run-control.js';

/** What every pass of one invocation works with. */
export interface PassContext extends ReaderContext {
  db: Db;
  client: YouTubeClient;
  control: RunControl;
  run: RunRow;
  /** Lists (items pass) or video batches (videos pass) fetched at once. */
  concurrency: number;
}
