/**
 * Instants as the user reads them: in the machine's local time zone (TZ), with the zone named,
 * because a cron log is often read on another machine and the quota resets at Pacific midnight,
 * which is nobody's obvious "midnight".
 */
export function formatLocalTime(at: Date, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(at);
}

/** "3 h 12 min", "45 s": how long until (or since) something, for people. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const rest = min % 60;
  if (h < 48) return rest === 0 ? `${h} h` : `${h} h ${rest} min`;
  return `${Math.round(h / 24)} days`;
}

/** When the quota comes back, for messages such as exit 75's. */
export function describeQuotaReset(resetsAt: Date, now: Date = new Date(), timeZone?: string): string {
  return `${formatLocalTime(resetsAt, timeZone)} (in ${formatDuration(resetsAt.getTime() - now.getTime())})`;
}
