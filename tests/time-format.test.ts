import { describe, expect, it } from 'vitest';
import { formatClock, formatTimeRange, timeAgo } from '../src/shared/time-format';

describe('time formats', () => {
  it('writes seconds as a clock, with hours only when there are any', () => {
    expect(formatClock(75)).toBe('01:15');
    expect(formatClock(3723.9)).toBe('1:02:03');
    expect(formatClock(-3)).toBe('00:00');
    expect(formatTimeRange(75, null)).toBe('01:15');
    expect(formatTimeRange(75, 120)).toBe('01:15–02:00');
  });

  it('says how long ago, rounded to the nearest whole unit of the largest that fits (in English here)', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const ago = (ms: number) => timeAgo(new Date(now.getTime() - ms), now);
    expect(ago(5_000)).toBe('just now');
    expect(ago(-20_000)).toBe('just now');
    expect(ago(59_000)).toBe('59 seconds ago');
    expect(ago(60_000)).toBe('1 minute ago');
    expect(ago(119 * 60_000)).toBe('2 hours ago');
    expect(ago(24 * 3_600_000)).toBe('yesterday');
    expect(ago(50 * 3_600_000)).toBe('2 days ago');
    expect(ago(45 * 86_400_000)).toBe('last month');
    expect(ago(800 * 86_400_000)).toBe('2 years ago');
  });
});
