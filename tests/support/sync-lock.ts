import { expect } from 'vitest';
import { SyncAlreadyRunningError, type MirrorStore } from '../../src/core/db/store';

/** Two stores on one mirror: while `a` holds the sync lock `b` is refused, and gets it once released. Closes both. */
export async function expectExclusiveSyncLock(a: MirrorStore, b: MirrorStore): Promise<void> {
  const lock = await a.acquireSyncLock();
  await expect(b.acquireSyncLock()).rejects.toThrow(SyncAlreadyRunningError);
  await lock.release();
  await (await b.acquireSyncLock()).release();
  await a.close();
  await b.close();
}
