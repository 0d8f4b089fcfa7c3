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
import { WORKER_METHODS, type SqliteWorkerMethods } from './worker-store';

let store: SqliteMirrorStore | null = null;
let heldLock: SyncLock | null = null;

function opened(): SqliteMirrorStore {
  if (!store) throw new Error('The mirror is not open in its worker thread');
  return store;
}

/** The methods with more to them than a call of the same method on the store. */
const special = {
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
  close: async () => {
    await heldLock?.release();
    heldLock = null;
    await store?.close();
    store = null;
  },
} satisfies RpcHandlers<Pick<SqliteWorkerMethods, 'open' | 'acquireSyncLock' | 'releaseSyncLock' | 'close'>>;

type PlainMethod = Exclude<keyof typeof WORKER_METHODS, keyof typeof special>;

/** Every other method is the store's own, so a method added to MirrorStore needs no line here. */
const plain = Object.fromEntries(
  (Object.keys(WORKER_METHODS) as (keyof typeof WORKER_METHODS)[])
    .filter((method): method is PlainMethod => !Object.hasOwn(special, method))
    .map((method) => [
      method,
      (...args: unknown[]) => {
        const target = opened();
        return (target[method] as (...a: unknown[]) => unknown).apply(target, args);
      },
    ]),
) as RpcHandlers<Pick<SqliteWorkerMethods, PlainMethod>>;

const handlers = { ...special, ...plain } satisfies RpcHandlers<SqliteWorkerMethods>;

createRpcPeer(messagePortChannel(parentPort!), { serve: handlers, errors: MIRROR_ERRORS });
