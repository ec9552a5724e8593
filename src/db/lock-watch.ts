import type pg from 'pg';
import { ExitCode, YtsyncError } from '../errors.js';
import { LOCK_NAMESPACE, PULL_LOCK } from './lock-keys.js';

/** The session holding the pull lock is gone: so is the lock, and a second pull could start. */
export class PullLockLost extends YtsyncError {
  constructor(why: string) {
    super(`lost the database connection that holds the pull lock (${why}); stopped so that two pulls never run at once. Progress is saved; run \`ytsync pull\` again.`, ExitCode.failure);
  }
}

export interface Heartbeat {
  /** How often the lock's session is asked whether it still holds the lock. */
  everyMs: number;
  /** An answer slower than this counts as a lost connection (a network partition, a dead NAT entry). */
  answerMs: number;
}

export const HEARTBEAT: Heartbeat = { everyMs: 20_000, answerMs: 10_000 };

/**
 * Watches the session that holds the pull lock. The lock is session-level: if the server, a NAT
 * or a pooler drops that mostly idle connection, the lock goes with it. An error or the end of
 * the session is noticed at once; a silent loss by a heartbeat that asks the server whether this
 * session still holds the lock (a pooler's `DISCARD ALL` releases it while the connection lives)
 * and gives up waiting after `answerMs`. `lost` aborts with PullLockLost; the run stops at its
 * next page boundary.
 */
export function watchPullLock(session: pg.Client, heartbeat: Heartbeat = HEARTBEAT): { lost: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const lose = (why: string) => {
    if (!controller.signal.aborted) controller.abort(new PullLockLost(why));
    stop();
  };
  const onError = (error: Error) => lose(error.message);
  const onEnd = () => lose('the server closed it');
  session.on('error', onError);
  session.on('end', onEnd);
  // One question at a time: a heartbeat shorter than a slow answer must not queue more of them.
  let asking = false;
  const timer = setInterval(() => {
    if (asking) return;
    asking = true;
    session
      .query<{ held: boolean }>({
        text: `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'
                 AND classid = $1 AND objid = $2 AND granted) AS held`,
        values: [LOCK_NAMESPACE, PULL_LOCK],
        query_timeout: heartbeat.answerMs,
      } as pg.QueryConfig)
      .then(
        (result) => result.rows[0]?.held !== true && lose('the server no longer holds it'),
        (error: Error) => lose(error.message),
      )
      .finally(() => (asking = false));
  }, heartbeat.everyMs);
  timer.unref();
  function stop(): void {
    clearInterval(timer);
    session.off('error', onError);
    session.off('end', onEnd);
  }
  return { lost: controller.signal, stop };
}
