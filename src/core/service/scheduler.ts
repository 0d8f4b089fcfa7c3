/**
 * When the next periodic sync starts. Pure planning over an injectable clock, so every rule below
 * is tested without waiting:
 *
 * - the next sync is due `intervalMinutes` after the previous sync (of any trigger) ended;
 * - with no sync ended in this process, it is due that long after the last success recorded in the
 *   mirror, but never sooner than a minute from now: the app was closed, let it settle first;
 * - after a failure it backs off 1, 2, 4, 8 … minutes, never longer than the interval, and a
 *   success returns it to the interval;
 * - it never starts a sync while one runs: at the due time it checks, and looks again later.
 *
 * It never widens its window to catch what changed while the app was closed: every incremental
 * sync re-reads a two-hour overlap before its watermark (see the sync engine), so a sync started
 * late or after a failure still sees every change.
 */
import type { PeriodicSync } from '../../shared/contract';
import { silentLogger, type Logger } from '../log';

const MINUTE = 60_000;
/** The delay before the first sync after a start, or after a due time missed (sleep, busy). */
export const SETTLE_DELAY_MS = MINUTE;
/** The first retry after a failure; each further failure doubles it, up to the interval. */
export const FIRST_BACKOFF_MS = MINUTE;

export interface SchedulerClock {
  now(): number;
  /** Calls `run` after `ms`; the returned function cancels it. */
  setTimer(run: () => void, ms: number): () => void;
}

export const realClock: SchedulerClock = {
  now: () => Date.now(),
  setTimer(run, ms) {
    // Node's timers fire at once above 2^31-1 ms; the longest interval (a week) is far below.
    const timer = setTimeout(run, ms);
    // A pending periodic sync must not keep a process alive that is otherwise done.
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};

/** How a sync ended, as far as planning the next one is concerned. */
export type SyncEnd = 'succeeded' | 'failed' | 'cancelled' | 'busy';

export interface SchedulerPlan {
  periodicSync: PeriodicSync;
  /** A Stash address is set: without one there is nothing to sync. */
  configured: boolean;
  /** The last success recorded in the mirror (epoch ms), used until a sync ends in this process. */
  lastSuccessAt: number | null;
}

export interface SyncSchedulerOptions {
  clock?: SchedulerClock;
  isSyncRunning(): boolean;
  /** Starts a scheduled sync; the service reports its end through `syncEnded`. */
  startSync(): void;
  /** Told whenever the next due time changes, so the status shown stays current. */
  onReplanned?(nextAt: number | null): void;
  logger?: Logger;
}

export class SyncScheduler {
  private readonly clock: SchedulerClock;
  private readonly log: Logger;
  private plan: SchedulerPlan = { periodicSync: { enabled: false, intervalMinutes: 60 }, configured: false, lastSuccessAt: null };
  private lastEndedAt: number | null = null;
  private failures = 0;
  private nextAt: number | null = null;
  private cancelTimer: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly options: SyncSchedulerOptions) {
    this.clock = options.clock ?? realClock;
    this.log = options.logger ?? silentLogger;
  }

  /** Settings or the mirror's history changed: plans again at once. */
  configure(plan: SchedulerPlan): void {
    this.plan = plan;
    this.replan();
  }

  /** Any sync ended, whatever started it: the next one is planned from here. */
  syncEnded(end: SyncEnd): void {
    const now = this.clock.now();
    if (end === 'busy') {
      // Another process holds the mirror: its sync counts as nothing ended here; look again soon.
      this.schedule(now + SETTLE_DELAY_MS);
      return;
    }
    this.lastEndedAt = now;
    if (end === 'succeeded') this.failures = 0;
    if (end === 'failed') this.failures++;
    this.replan();
    if (end === 'failed' && this.nextAt !== null) {
      this.log.info(`Next periodic sync backs off after ${this.failures} failed in a row`, { at: new Date(this.nextAt).toISOString() });
    }
  }

  nextScheduledAt(): number | null {
    return this.nextAt;
  }

  /** Consecutive failed syncs since the last success. */
  get failureCount(): number {
    return this.failures;
  }

  stop(): void {
    this.stopped = true;
    this.schedule(null);
  }

  private replan(): void {
    const { periodicSync, configured, lastSuccessAt } = this.plan;
    if (this.stopped || !periodicSync.enabled || !configured) {
      this.schedule(null);
      return;
    }
    const now = this.clock.now();
    const interval = periodicSync.intervalMinutes * MINUTE;
    const delay = this.failures > 0 ? Math.min(FIRST_BACKOFF_MS * 2 ** (this.failures - 1), interval) : interval;
    const from = this.lastEndedAt ?? lastSuccessAt;
    const due = from === null ? now + SETTLE_DELAY_MS : from + delay;
    // A due time already past (the app was closed, the machine slept) waits a short moment instead.
    const startupFloor = this.lastEndedAt === null ? now + SETTLE_DELAY_MS : now;
    this.schedule(Math.max(due, startupFloor));
  }

  private schedule(at: number | null): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (at !== this.nextAt)
      this.log.debug(at === null ? 'No periodic sync planned' : 'Next periodic sync planned', {
        at: at === null ? null : new Date(at).toISOString(),
      });
    this.nextAt = at;
    if (at !== null) this.cancelTimer = this.clock.setTimer(() => this.fire(), Math.max(0, at - this.clock.now()));
    this.options.onReplanned?.(at);
  }

  private fire(): void {
    this.cancelTimer = null;
    if (this.options.isSyncRunning()) {
      // Its end re-plans from then; this only covers a sync whose end never reaches us.
      this.log.info('Periodic sync due while a sync runs: looking again later');
      this.schedule(this.clock.now() + SETTLE_DELAY_MS);
      return;
    }
    this.nextAt = null;
    this.options.onReplanned?.(null);
    this.options.startSync();
  }
}
