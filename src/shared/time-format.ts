/** Times as the app writes them, in every window, the tray and the command line. */

/** 75 → "01:15"; 3723 → "1:02:03". */
export function formatClock(totalSeconds: number): string {
  const whole = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const seconds = whole % 60;
  const ss = String(seconds).padStart(2, '0');
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, '0')}:${ss}`;
  return `${String(minutes).padStart(2, '0')}:${ss}`;
}

/** A marker's time: "01:15", or "01:15–02:00" when it has an end. */
export function formatTimeRange(start: number, end: number | null): string {
  return end === null ? formatClock(start) : `${formatClock(start)}–${formatClock(end)}`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Largest first; each unit counts whole ones. */
const UNITS: [string, number][] = [
  ['year', 365 * DAY],
  ['month', 30 * DAY],
  ['day', DAY],
  ['hour', HOUR],
  ['minute', MINUTE],
];

/**
 * "just now", "5 minutes ago", "3 hours ago", "2 days ago". A time a moment ahead of `now` (another
 * machine's clock, a render just before the tick) is "just now" too, never "in 20 seconds".
 */
export function timeAgo(then: Date, now: Date): string {
  const elapsed = Math.max(0, now.getTime() - then.getTime());
  for (const [unit, size] of UNITS) {
    const count = Math.floor(elapsed / size);
    if (count >= 1) return `${count} ${unit}${count === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}
