/**
 * Advisory lock keys (the two-int form), the same on the user's server and the private one:
 * one namespace for ytsync, one id per purpose. Advisory locks are per database.
 */
export const LOCK_NAMESPACE = 0x7974; // "yt"
/** Held by the running pull: a second pull exits 4 (SPEC.md, Locking). */
export const PULL_LOCK = 1;
/** Held while migrations run, so two commands starting at once don't both create the tables. */
export const MIGRATE_LOCK = 2;
/** Private server only: shared by every running command, exclusive for the one that stops it. */
export const CLIENT_LOCK = 3;
