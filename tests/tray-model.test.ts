import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../src/shared/contract';
import { statusLine, trayMenu, UnwatchedSyncWatcher } from '../src/main/tray-model';
import { timeAgo } from '../src/shared/time-format';

const now = new Date('2025-06-01T12:00:00Z');

function status(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    state: 'idle',
    trigger: null,
    startedAt: null,
    progress: [],
    mediaProgress: null,
    lastSuccessAt: null,
    lastError: null,
    lastErrorKind: null,
    entities: [],
    nextScheduledAt: null,
    mirrorReady: false,
    warnings: [],
    ...overrides,
  };
}

const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();

describe('tray status line', () => {
  it('says a cancelled sync is winding down, not that it still syncs', () => {
    expect(statusLine({ status: status({ state: 'cancelling', trigger: 'manual', lastError: 'old' }), now })).toBe('Cancelling sync…');
  });

  it('says when nothing has been synced yet', () => {
    expect(statusLine({ status: status(), now })).toBe('Never synced');
  });

  it('says how long ago the last successful sync was', () => {
    expect(statusLine({ status: status({ lastSuccessAt: minutesAgo(5) }), now })).toBe('Last sync: 5 minutes ago');
    expect(statusLine({ status: status({ lastSuccessAt: minutesAgo(1) }), now })).toBe('Last sync: 1 minute ago');
    expect(statusLine({ status: status({ lastSuccessAt: minutesAgo(0.1) }), now })).toBe('Last sync: just now');
    expect(statusLine({ status: status({ lastSuccessAt: minutesAgo(125) }), now })).toBe('Last sync: 2 hours ago');
    expect(statusLine({ status: status({ lastSuccessAt: minutesAgo(3 * 24 * 60) }), now })).toBe('Last sync: 3 days ago');
  });

  it('says the last sync failed, and why in one short line', () => {
    const reason = "Stash at http://stash:9999/graphql refused the API key (HTTP 401): check the key in\nStash's Settings > Security";
    const line = statusLine({ status: status({ lastSuccessAt: minutesAgo(5), lastError: reason }), now });
    expect(line).toBe('Last sync failed: Stash at http://stash:9999/graphql refused the API key (HTT…');
    expect(statusLine({ status: status({ lastError: 'Cannot reach Stash' }), now })).toBe('Last sync failed: Cannot reach Stash');
  });

  it('shows the overall progress of a running sync', () => {
    const running = status({
      state: 'running',
      trigger: 'manual',
      progress: [
        { entity: 'performers', phase: 'changes', done: 100, total: 100 },
        { entity: 'scenes', phase: 'changes', done: 26, total: 200 },
      ],
    });
    expect(statusLine({ status: running, now })).toBe('Syncing… 42%');
    expect(statusLine({ status: status({ state: 'running', trigger: 'manual' }), now })).toBe('Syncing…');
  });

  it('never reports a future time as negative', () => {
    expect(timeAgo(new Date(now.getTime() + 60_000), now)).toBe('just now');
  });
});

describe('tray menu', () => {
  const actions = (items: ReturnType<typeof trayMenu>) =>
    items.flatMap((item) => (item.kind === 'action' ? [{ action: item.action, label: item.label, enabled: item.enabled }] : []));

  it('offers sync, open and quit under the status line', () => {
    const items = trayMenu({ status: status({ lastSuccessAt: minutesAgo(5) }), now });
    expect(items[0]).toEqual({ kind: 'label', label: 'Last sync: 5 minutes ago' });
    expect(actions(items)).toEqual([
      { action: 'syncNow', label: 'Sync now', enabled: true },
      { action: 'open', label: 'Open Stash Mirror', enabled: true },
      { action: 'quit', label: 'Quit', enabled: true },
    ]);
  });

  it('disables "Sync now" while a sync runs and before the service has answered', () => {
    const running = trayMenu({ status: status({ state: 'running', trigger: 'schedule' }), now });
    expect(actions(running).find((a) => a.action === 'syncNow')?.enabled).toBe(false);
    const cancelling = trayMenu({ status: status({ state: 'cancelling', trigger: 'manual' }), now });
    expect(actions(cancelling).find((a) => a.action === 'syncNow')?.enabled).toBe(false);
    const starting = trayMenu({ status: null, now });
    expect(actions(starting).find((a) => a.action === 'syncNow')?.enabled).toBe(false);
    expect(actions(starting).find((a) => a.action === 'quit')?.enabled).toBe(true);
  });
});

describe('notifying failed syncs nobody watched', () => {
  const failed = { ok: false, kind: 'failed', reason: 'Stash did not answer', errorKind: 'unreachable' } as const;
  const hidden = { windowVisible: false };
  const shown = { windowVisible: true };

  it('notifies when a scheduled sync fails, window shown or not', () => {
    const watcher = new UnwatchedSyncWatcher();
    watcher.onStatus(status({ state: 'running', trigger: 'schedule' }));
    watcher.onStatus(status({ state: 'idle', lastError: 'Stash did not answer' }));
    expect(watcher.onFinished(failed, shown)).toEqual({ title: 'Stash Mirror: scheduled sync failed', body: 'Stash did not answer' });
  });

  it('notifies when a sync started with the window hidden (from the tray) fails', () => {
    const watcher = new UnwatchedSyncWatcher();
    watcher.onStatus(status({ state: 'running', trigger: 'manual' }));
    expect(watcher.onFinished(failed, hidden)).toEqual({ title: 'Stash Mirror: sync failed', body: 'Stash did not answer' });
  });

  it('stays quiet for syncs failing in sight, successes and cancellations', () => {
    const watcher = new UnwatchedSyncWatcher();
    watcher.onStatus(status({ state: 'running', trigger: 'manual' }));
    expect(watcher.onFinished(failed, shown)).toBeNull();
    watcher.onStatus(status({ state: 'running', trigger: 'schedule' }));
    expect(watcher.onFinished({ ok: false, kind: 'cancelled', reason: 'Cancelled' }, hidden)).toBeNull();
    watcher.onStatus(status({ state: 'running', trigger: 'schedule' }));
    expect(watcher.onFinished({ ok: true, summary: {} as never, media: null }, hidden)).toBeNull();
  });
});
