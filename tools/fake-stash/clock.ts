/**
 * The fake server's notion of "now". Stash stamps rows with whole-second RFC3339 strings in the
 * server's local offset, so the clock formats instants the same way and lets tests move time and
 * change the offset (a DST fall-back) on demand.
 */

/** '+01:00', '-05:00', or 'Z' (a UTC server, typical in Docker). */
export type StashOffset = string;

export interface FakeClock {
  /** Stamp in the clock's offset: '2025-01-10T14:03:22+01:00' or '...Z' (whole seconds). */
  now(): string;
  /** Virtual time moves only when told; by default it is frozen, so writes tie on one second. */
  advance(seconds: number): void;
  /** E.g. a DST fall-back '+02:00' -> '+01:00': later stamps then sort before earlier ones as strings. */
  setOffset(offset: StashOffset): void;
  readonly epochMs: number;
  /** The current offset (createClock provides it; other clocks may leave it out). */
  readonly offset?: StashOffset;
  /** Formats any instant the way this clock would stamp it (optional, like `offset`). */
  format?(epochMs: number): string;
}

const OFFSET_RE = /^([+-])(\d{2}):(\d{2})$/;

/** Offset in minutes east of UTC; throws on anything Stash would never write. */
export function offsetMinutes(offset: StashOffset): number {
  if (offset === 'Z') return 0;
  const m = OFFSET_RE.exec(offset);
  if (!m) throw new Error(`invalid offset: ${offset} (expected 'Z' or '+HH:MM')`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (minutes > 14 * 60) throw new Error(`invalid offset: ${offset}`);
  return m[1] === '-' ? -minutes : minutes;
}

/** Whole-second RFC3339 in the given offset, exactly like Go's time.Format(time.RFC3339). */
export function formatStamp(epochMs: number, offset: StashOffset): string {
  const shifted = Math.floor(epochMs / 1000) * 1000 + offsetMinutes(offset) * 60_000;
  // Go prints '+00:00' offsets as 'Z' as well, so both spellings collapse to 'Z'.
  const suffix = offset === 'Z' || offsetMinutes(offset) === 0 ? 'Z' : offset;
  return new Date(shifted).toISOString().slice(0, 19) + suffix;
}

/** The offset a clock stamps with, read from its last stamp when it does not say. */
export function clockOffset(clock: FakeClock): StashOffset {
  if (clock.offset !== undefined) return clock.offset;
  const stamp = clock.now();
  return stamp.endsWith('Z') ? 'Z' : stamp.slice(-6);
}

export function clockFormat(clock: FakeClock, epochMs: number): string {
  return clock.format ? clock.format(epochMs) : formatStamp(epochMs, clockOffset(clock));
}

export function createClock(
  opts: {
    /** ISO instant; default '2025-01-10T12:00:00Z' (virtual) or the wall clock (real). */
    start?: string;
    /** Default '+01:00'. */
    offset?: StashOffset;
    /** 'virtual' (default): frozen until advance(). 'real': follows the wall clock. */
    mode?: 'virtual' | 'real';
  } = {},
): FakeClock {
  const mode = opts.mode ?? 'virtual';
  let offset = opts.offset ?? '+01:00';
  offsetMinutes(offset);
  const defaultStart = mode === 'real' ? Date.now() : Date.parse('2025-01-10T12:00:00Z');
  const startMs = opts.start === undefined ? defaultStart : Date.parse(opts.start);
  if (Number.isNaN(startMs)) throw new Error(`invalid clock start: ${opts.start}`);
  const wallAtStart = Date.now();
  let skewMs = 0;
  const epoch = (): number => (mode === 'real' ? startMs + (Date.now() - wallAtStart) + skewMs : startMs + skewMs);
  return {
    now: () => formatStamp(epoch(), offset),
    advance(seconds: number) {
      if (!Number.isFinite(seconds)) throw new Error(`invalid advance: ${seconds}`);
      skewMs += seconds * 1000;
    },
    setOffset(next: StashOffset) {
      offsetMinutes(next);
      offset = next;
    },
    get epochMs() {
      return epoch();
    },
    get offset() {
      return offset;
    },
    format: (ms: number) => formatStamp(ms, offset),
  };
}
