import { create } from 'zustand';
import type { EntityName, EntityProgress, EntitySyncState, SyncOutcome, SyncRequest, SyncRunView, SyncStatus } from '../../../shared/contract';
import { api, messageOf } from '../api';
import { isSyncRunning } from '../lib/sync-state';

export { isSyncCancelling, isSyncRunning } from '../lib/sync-state';

export interface Notice {
  tone: 'error' | 'info';
  text: string;
}

interface SyncState {
  status: SyncStatus | null;
  /** Why the status could not be read, if it could not. */
  statusError: string | null;
  runs: SyncRunView[];
  runsError: string | null;
  /** What the last "Sync now" or "Cancel" came to, when the status does not say it already. */
  notice: Notice | null;
  /** Between pressing "Sync now" and the first running status. */
  starting: boolean;
  refreshStatus(): Promise<void>;
  refreshRuns(): Promise<void>;
  syncNow(request?: SyncRequest): Promise<void>;
  cancel(): Promise<void>;
  /**
   * The Stash address changed: what the page knows of the old server's failures is not about the
   * new one. Drops them here and asks the service for the status anew.
   */
  forgetOldServer(): void;
}

const RUN_HISTORY_LIMIT = 100;

export const useSync = create<SyncState>((set, get) => ({
  status: null,
  statusError: null,
  runs: [],
  runsError: null,
  notice: null,
  starting: false,

  refreshStatus: async () => {
    try {
      set({ status: await api.getSyncStatus(), statusError: null });
    } catch (error) {
      set({ statusError: messageOf(error) });
    }
  },

  refreshRuns: async () => {
    try {
      set({ runs: await api.listSyncRuns({ limit: RUN_HISTORY_LIMIT }), runsError: null });
    } catch (error) {
      set({ runsError: messageOf(error) });
    }
  },

  syncNow: async (request) => {
    set({ starting: true, notice: null });
    try {
      const outcome = await api.syncNow(request);
      set({ notice: noticeFor(outcome) });
    } catch (error) {
      set({ notice: { tone: 'error', text: messageOf(error) } });
    } finally {
      set({ starting: false });
      void get().refreshStatus();
      void get().refreshRuns();
    }
  },

  cancel: async () => {
    // An error shown from before is not what this sync comes to: the cancel's own outcome follows.
    if (get().notice?.tone === 'error') set({ notice: null });
    try {
      await api.cancelSync();
    } catch (error) {
      set({ notice: { tone: 'error', text: messageOf(error) } });
    }
  },

  forgetOldServer: () => {
    const { status } = get();
    set({
      notice: null,
      statusError: null,
      // Each entity's last run stays: that is history, not the current state.
      status: status && { ...status, lastError: null },
    });
    void get().refreshStatus();
    void get().refreshRuns();
  },
}));

function noticeFor(outcome: SyncOutcome): Notice | null {
  if (outcome.ok) return null;
  // A failure is also the status's lastError, shown on its own.
  if (outcome.kind === 'failed') return null;
  return { tone: outcome.kind === 'cancelled' ? 'info' : 'error', text: outcome.reason };
}

/** Live updates from the service; returns the unsubscribe function. */
export function followSync(): () => void {
  const store = useSync.getState();
  void store.refreshStatus();
  void store.refreshRuns();
  const offStatus = api.on('syncStatus', (status) => useSync.setState({ status, statusError: null }));
  const offFinished = api.on('syncFinished', () => {
    void useSync.getState().refreshRuns();
    void useSync.getState().refreshStatus();
  });
  return () => {
    offStatus();
    offFinished();
  };
}

// Until the status has loaded, or when it cannot be read, these selectors answer with the same empty
// list every time: a fresh [] per call would be a new snapshot on every render, and React would
// re-render forever.
const NO_ENTITY_STATES: readonly EntitySyncState[] = [];
const NO_PROGRESS: readonly EntityProgress[] = [];

export function entityStates(state: Pick<SyncState, 'status'>): readonly EntitySyncState[] {
  return state.status?.entities ?? NO_ENTITY_STATES;
}

export function syncProgress(state: Pick<SyncState, 'status'>): readonly EntityProgress[] {
  return state.status?.progress ?? NO_PROGRESS;
}

/** Why the last sync failed, while that is still the news: not during a sync (the service forgets it after a cancel). */
export function currentSyncError(state: Pick<SyncState, 'status' | 'starting'>): string | null {
  const lastError = state.status?.lastError ?? null;
  if (!lastError || isSyncRunning(state)) return null;
  return lastError;
}

/** The entity a running sync is working on, and how far along it is (0..1, or null before counting). */
export function currentProgress(status: SyncStatus | null): { entity: EntityName; share: number | null } | null {
  const current = status?.progress.at(-1);
  if (!current) return null;
  return { entity: current.entity, share: current.total > 0 ? Math.min(current.done / current.total, 1) : null };
}
