/** Display formats shared by the screens (times: src/shared/time-format.ts, shared with the tray and the CLI). */

/** Seconds as "42 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(totalSeconds: number): string {
  const whole = Math.round(totalSeconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

const exact = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatExact(iso: string): string {
  return exact.format(new Date(iso));
}

export function formatCount(n: number): string {
  return n.toLocaleString();
}

/** Stash's gender enum ("TRANSGENDER_FEMALE") as words ("Transgender female"). */
export function formatEnumWord(value: string): string {
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
