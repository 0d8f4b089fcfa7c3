/**
 * Worker thread that owns the SQLite mirror connection. The sync's writes run here, so the thread
 * that fetches and parses Stash's pages never waits on SQLite: a page is parsed while the previous
 * one is written. It serves SqliteWorkerMethods over RPC to worker-store.ts.
 */
import { parentPort } from 'node:worker_threads';
import { MIRROR_ERRORS } from '../error-registry';
import { createRpcPeer, type RpcHandlers } from '../../shared/rpc';
import { messagePortChannel } from '../../shared/rpc-channels';
import { SqliteMirrorStore } from './sqlite-store';
import type { SyncLock } from './store';
import type { SqliteWorkerMethods } from './worker-store';

let store: SqliteMirrorStore | null = null;
let heldLock: SyncLock | null = null;

function opened(): SqliteMirrorStore {
  if (!store) throw new Error('The mirror is not open in its worker thread');
  return store;
}

const handlers = {
  open: async (options) => {
    store = SqliteMirrorStore.open(options);
    return store.location;
  },
  acquireSyncLock: async () => {
    heldLock = await opened().acquireSyncLock();
  },
  releaseSyncLock: async () => {
    await heldLock?.release();
    heldLock = null;
  },
  readSyncState: (...a) => opened().readSyncState(...a),
  compareWithListing: (...a) => opened().compareWithListing(...a),
  countLive: (...a) => opened().countLive(...a),
  findDependents: (...a) => opened().findDependents(...a),
  applyColumns: (...a) => opened().applyColumns(...a),
  markStale: (...a) => opened().markStale(...a),
  startRun: (...a) => opened().startRun(...a),
  finishRun: (...a) => opened().finishRun(...a),
  closeAbandonedRuns: () => opened().closeAbandonedRuns(),
  listRuns: (...a) => opened().listRuns(...a),
  deferIndexes: () => opened().deferIndexes(),
  restoreIndexes: (...a) => opened().restoreIndexes(...a),
  refreshSearchIndex: (...a) => opened().refreshSearchIndex(...a),
  searchMarkers: (...a) => opened().searchMarkers(...a),
  read: (...a) => opened().read(...a),
  close: async () => {
    await heldLock?.release();
    heldLock = null;
    await store?.close();
    store = null;
  },
} satisfies RpcHandlers<SqliteWorkerMethods>;

createRpcPeer(messagePortChannel(parentPort!), { serve: handlers, errors: MIRROR_ERRORS });
