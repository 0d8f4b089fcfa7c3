/** The periodic sync's planning, on a clock the test moves by hand. */
import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../src/core/log';
import { SyncScheduler, type SchedulerClock, type SchedulerPlan } from '../src/core/service/scheduler';

const MINUTE = 60_000;
const START = Date.parse('2025-03-01T08:00:00Z');

/** A clock whose timers fire only when `advance` passes their time, in order. */
function manualClock() {
  let now = START;
  let timers: { at: number; run: () => void }[] = [];
  const clock: SchedulerClock = {
    now: () => now,
    setTimer(run, ms) {
      const timer = { at: now + ms, run };
      timers.push(timer);
      return () => {
        timers = timers.filter((t) => t !== timer);
      };
    },
  };
  return {
    clock,
    get pending() {
      return timers.length;
    },
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.run();
      }
      now = until;
    },
  };
}

function setUp(plan: Partial<SchedulerPlan> = {}) {
  const time = manualClock();
  const started: number[] = [];
  const replanned: (number | null)[] = [];
  const log: LogRecord[] = [];
  let running = false;
  const scheduler = new SyncScheduler({
    clock: time.clock,
    logger: createLogger((record) => log.push(record), { level: 'debug', now: () => new Date(time.clock.now()) }),
    isSyncRunning: () => running,
    startSync: () => {
      started.push(time.clock.now());
      running = true;
    },
    onReplanned: (at) => replanned.push(at),
  });
  const fullPlan: SchedulerPlan = {
    periodicSync: { enabled: true, intervalMinutes: 60 },
    configured: true,
    lastSuccessAt: null,
    ...plan,
  };
  scheduler.configure(fullPlan);
  return {
    scheduler,
    time,
    started,
    replanned,
    log,
    plan: fullPlan,
    setRunning: (value: boolean) => (running = value),
    /** The sync that is running ends now, as the service reports it. */
    end(how: Parameters<SyncScheduler['syncEnded']>[0]) {
      running = false;
      scheduler.syncEnded(how);
    },
    /** Minutes from now to the next due time. */
    minutesToNext: () => {
      const next = scheduler.nextScheduledAt();
      return next === null ? null : (next - time.clock.now()) / MINUTE;
    },
  };
}

describe('periodic sync scheduler', () => {
  it('starts a minute after launch when the last success is older than the interval, or never synced', () => {
    expect(setUp().minutesToNext()).toBe(1);
    expect(setUp({ lastSuccessAt: START - 3 * 60 * MINUTE }).minutesToNext()).toBe(1);
  });

  it('waits out the rest of the interval after a recent success', () => {
    const s = setUp({ lastSuccessAt: START - 10 * MINUTE });
    expect(s.minutesToNext()).toBe(50);
    s.time.advance(50 * MINUTE - 1);
    expect(s.started).toEqual([]);
    s.time.advance(1);
    expect(s.started).toEqual([START + 50 * MINUTE]);
    expect(s.scheduler.nextScheduledAt()).toBeNull();
  });

  it('plans the next sync an interval after the previous one ended', () => {
    const s = setUp();
    s.time.advance(MINUTE);
    expect(s.started).toHaveLength(1);
    s.time.advance(7 * MINUTE); // the sync takes 7 minutes
    s.end('succeeded');
    expect(s.minutesToNext()).toBe(60);
    s.time.advance(60 * MINUTE);
    expect(s.started).toEqual([START + MINUTE, START + 68 * MINUTE]);
  });

  it('counts a manual sync like a scheduled one', () => {
    const s = setUp({ lastSuccessAt: START - 30 * MINUTE });
    s.time.advance(20 * MINUTE);
    s.setRunning(true); // the user clicks "Sync now"
    s.time.advance(2 * MINUTE);
    s.end('succeeded');
    expect(s.minutesToNext()).toBe(60);
    expect(s.started).toEqual([]);
  });

  it('never starts while a sync runs: it looks again later, and plans from that sync’s end', () => {
    const s = setUp({ lastSuccessAt: START - 50 * MINUTE });
    s.time.advance(5 * MINUTE);
    s.setRunning(true);
    s.time.advance(5 * MINUTE); // due now, but busy
    expect(s.started).toEqual([]);
    expect(s.minutesToNext()).toBe(1);
    s.time.advance(3 * MINUTE); // still busy at each look
    expect(s.started).toEqual([]);
    s.time.advance(MINUTE / 2);
    s.end('succeeded');
    expect(s.minutesToNext()).toBe(60);
    expect(s.time.pending).toBe(1);
  });

  it('backs off 1, 2, 4, 8 … minutes after failures, capped at the interval, and resets after a success', () => {
    const s = setUp({ periodicSync: { enabled: true, intervalMinutes: 30 } });
    const delays: (number | null)[] = [];
    s.time.advance(MINUTE);
    for (let i = 0; i < 7; i++) {
      s.end('failed');
      delays.push(s.minutesToNext());
      s.time.advance(s.minutesToNext()! * MINUTE);
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 30, 30]);
    expect(s.scheduler.failureCount).toBe(7);
    expect(s.started).toHaveLength(8);
    s.end('succeeded');
    expect(s.minutesToNext()).toBe(30);
    expect(s.scheduler.failureCount).toBe(0);
    s.time.advance(30 * MINUTE);
    s.end('failed');
    expect(s.minutesToNext()).toBe(1);
  });

  it('does not count a cancel or another process’s sync as a failure', () => {
    const s = setUp();
    s.time.advance(MINUTE);
    s.end('busy');
    expect(s.minutesToNext()).toBe(1);
    s.time.advance(MINUTE);
    s.end('cancelled');
    expect(s.scheduler.failureCount).toBe(0);
    expect(s.minutesToNext()).toBe(60);
  });

  it('stops when disabled or unconfigured, and plans again at once when enabled', () => {
    const s = setUp({ lastSuccessAt: START - 20 * MINUTE });
    s.scheduler.configure({ ...s.plan, periodicSync: { enabled: false, intervalMinutes: 60 } });
    expect(s.scheduler.nextScheduledAt()).toBeNull();
    expect(s.time.pending).toBe(0);
    s.time.advance(10 * 60 * MINUTE);
    expect(s.started).toEqual([]);

    s.scheduler.configure(s.plan);
    // Never synced, or long ago: a minute from now.
    expect(s.minutesToNext()).toBe(1);
    s.scheduler.configure({ ...s.plan, configured: false });
    expect(s.scheduler.nextScheduledAt()).toBeNull();
    expect(s.replanned.at(-1)).toBeNull();
  });

  it('re-plans immediately when the interval changes', () => {
    const s = setUp();
    s.time.advance(MINUTE);
    s.time.advance(MINUTE);
    s.end('succeeded');
    expect(s.minutesToNext()).toBe(60);
    s.time.advance(5 * MINUTE);
    s.scheduler.configure({ ...s.plan, periodicSync: { enabled: true, intervalMinutes: 10 } });
    expect(s.minutesToNext()).toBe(5);
    expect(s.replanned.at(-1)).toBe(s.scheduler.nextScheduledAt());
    // Shortened below the time already waited: as soon as allowed, not in the past.
    s.scheduler.configure({ ...s.plan, periodicSync: { enabled: true, intervalMinutes: 5 } });
    expect(s.minutesToNext()).toBe(0);
    s.time.advance(0);
    expect(s.started).toHaveLength(2);
  });

  it('logs each new plan, a due time met by a running sync, and a backoff', () => {
    const s = setUp();
    const lines = () =>
      s.log.splice(0).map((record) => `${record.level} ${record.message}${record.fields ? ` ${JSON.stringify(record.fields)}` : ''}`);
    const at = (minutes: number) => JSON.stringify({ at: new Date(START + minutes * MINUTE).toISOString() });
    expect(lines()).toEqual([`debug Next periodic sync planned ${at(1)}`]);
    s.setRunning(true);
    s.time.advance(MINUTE);
    expect(lines()).toEqual(['info Periodic sync due while a sync runs: looking again later', `debug Next periodic sync planned ${at(2)}`]);
    // Ended at once: a minute's backoff lands on the time already planned, which is not said twice.
    s.end('failed');
    expect(lines()).toEqual([`info Next periodic sync backs off after 1 failed in a row ${at(2)}`]);
  });

  it('stop cancels the pending timer for good', () => {
    const s = setUp();
    s.scheduler.stop();
    s.scheduler.configure(s.plan);
    expect(s.scheduler.nextScheduledAt()).toBeNull();
    s.time.advance(24 * 60 * MINUTE);
    expect(s.started).toEqual([]);
  });
});
