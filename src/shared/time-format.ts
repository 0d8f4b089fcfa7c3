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

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
/** Each unit, and how many of it make the next. */
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Infinity],
];

/**
 * "just now", "5 minutes ago", "yesterday", in the user's language, rounded to the nearest whole
 * unit. A time a moment ahead of `now` (another machine's clock, a render just before the tick)
 * is "just now" too, never "in 20 seconds".
 */
export function timeAgo(then: Date, now: Date): string {
  let value = (then.getTime() - now.getTime()) / 1000;
  if (value > -10) return 'just now';
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
    value /= size;
  }
  return relative.format(Math.round(value), 'year');
}
