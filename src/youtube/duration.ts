/**
 * ISO 8601 durations as YouTube sends them: PT4M13S, PT1H2M3S, P1DT2H, P0D (live streams).
 * Returns null for anything else (premieres have no duration yet).
 */
const ISO_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function isoDurationToSeconds(value: string | null | undefined): number | null {
  if (!value) return null;
  const match = ISO_DURATION.exec(value);
  if (!match || value === 'P' || value.endsWith('T')) return null;
  const [, weeks, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
  return Math.round((weeks! * 7 + days!) * 86_400 + hours! * 3_600 + minutes! * 60 + seconds!);
}
