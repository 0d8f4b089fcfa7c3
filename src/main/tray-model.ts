/**
 * What the tray shows, as data: the Electron adapter (tray.ts) only maps it to a native menu.
 * Also the decision to notify about a failed sync nobody watched, made from the same events.
 */
import { oneLine } from '../core/one-line';
import type { SyncOutcome, SyncStatus, SyncTrigger } from '../shared/contract';
import { timeAgo } from '../shared/time-format';

export type TrayAction = 'syncNow' | 'open' | 'quit';

export type TrayMenuItem =
  { kind: 'label'; label: string } | { kind: 'action'; action: TrayAction; label: string; enabled: boolean } | { kind: 'separator' };

export interface TrayState {
  /** Null until the service has reported its first status. */
  status: SyncStatus | null;
  now: Date;
}

/** Overall progress of a running sync in whole percent, or null before any total is known. */
export function syncPercent(status: SyncStatus): number | null {
  let done = 0;
  let total = 0;
  for (const entity of status.progress) {
    done += Math.min(entity.done, entity.total);
    total += entity.total;
  }
  return total > 0 ? Math.floor((done / total) * 100) : null;
}

export function statusLine({ status, now }: TrayState): string {
  if (status?.state === 'cancelling') return 'Cancelling sync…';
  if (status?.state === 'running') {
    const percent = syncPercent(status);
    return percent === null ? 'Syncing…' : `Syncing… ${percent}%`;
  }
  if (status?.lastError) return `Last sync failed: ${oneLine(status.lastError, LABEL_REASON_CHARS)}`;
  if (!status?.lastSuccessAt) return status ? 'Never synced' : 'Starting…';
  return `Last sync: ${timeAgo(new Date(status.lastSuccessAt), now)}`;
}

/** A menu label stays one readable line; the window shows the whole reason. */
const LABEL_REASON_CHARS = 60;

export function trayMenu(state: TrayState): TrayMenuItem[] {
  return [
    { kind: 'label', label: statusLine(state) },
    { kind: 'separator' },
    { kind: 'action', action: 'syncNow', label: 'Sync now', enabled: state.status?.state === 'idle' },
    { kind: 'action', action: 'open', label: 'Open Stash Mirror', enabled: true },
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit', enabled: true },
  ];
}

/**
 * Remembers what started the running sync (only running statuses carry it) so that, when the sync
 * ends, a failure nobody saw can be reported: a scheduled sync's, or any sync's while the window
 * is hidden (one started from the tray).
 */
export class UnwatchedSyncWatcher {
  private trigger: SyncTrigger | null = null;

  onStatus(status: SyncStatus): void {
    if (status.state === 'running' && status.trigger) this.trigger = status.trigger;
  }

  /** The notification to show for this outcome, or null. */
  onFinished(outcome: SyncOutcome, { windowVisible }: { windowVisible: boolean }): { title: string; body: string } | null {
    const trigger = this.trigger;
    this.trigger = null;
    if (outcome.ok || outcome.kind !== 'failed') return null;
    if (trigger === 'schedule') return { title: 'Stash Mirror: scheduled sync failed', body: outcome.reason };
    return windowVisible ? null : { title: 'Stash Mirror: sync failed', body: outcome.reason };
  }
}
