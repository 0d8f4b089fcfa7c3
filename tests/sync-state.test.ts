/** The Sync page's and header's reading of the service's sync state. */
import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../src/shared/contract';
import { isSyncCancelling, isSyncRunning } from '../src/renderer/src/lib/sync-state';

const status = (state: SyncStatus['state']) => ({ state }) as SyncStatus;

describe('sync state selectors', () => {
  it('count a sync being cancelled as under way, so Sync now stays off until it has ended', () => {
    expect(isSyncRunning({ starting: false, status: status('cancelling') })).toBe(true);
    expect(isSyncCancelling({ status: status('cancelling') })).toBe(true);
    expect(isSyncRunning({ starting: false, status: status('running') })).toBe(true);
    expect(isSyncCancelling({ status: status('running') })).toBe(false);
    expect(isSyncRunning({ starting: false, status: status('idle') })).toBe(false);
    expect(isSyncRunning({ starting: true, status: null })).toBe(true);
  });
});
