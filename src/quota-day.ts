/**
 * Google resets the YouTube quota at midnight America/Los_Angeles (DST-aware), so the
 * ledger is kept per Pacific calendar day.
 */
const PACIFIC = 'America/Los_Angeles';

const dayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: PACIFIC,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The quota day of an instant, as YYYY-MM-DD in Pacific time. */
export function quotaDay(at: Date = new Date()): string {
  return dayFormat.format(at);
}

/** The instant the quota day containing `at` ends (next Pacific midnight). */
export function quotaResetsAt(at: Date = new Date()): Date {
  const today = quotaDay(at);
  // Pacific offsets are whole hours, so midnight there falls on a whole UTC hour: step by
  // hours until the date changes. Exact across DST changes, and at most 25 steps.
  let probe = Math.floor(at.getTime() / 3_600_000) * 3_600_000;
  do probe += 3_600_000;
  while (quotaDay(new Date(probe)) === today);
  return new Date(probe);
}
