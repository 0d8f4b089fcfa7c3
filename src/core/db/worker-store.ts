/**
 * A MirrorStore whose SQLite connection lives in a worker thread (sqlite-worker.ts). Same contract
 * as SqliteMirrorStore; every call is one RPC message (src/shared/rpc.ts), and errors keep their
 * class across the thread boundary (src/core/error-registry.ts).
 */
import { Worker } from 'node:worker_threads';
import { MIRROR_ERRORS } from '../error-registry';
import { createRpcPeer, RpcPeerClosedError, type RpcMethodList, type RpcMethodName } from '../../shared/rpc';
import { workerChannel } from '../../shared/rpc-channels';
import { toPageColumns } from './mirror-sql';
import type { SqliteMirrorStore, SqliteStoreOptions } from './sqlite-store';
import { MirrorConnectionError, type MirrorStore, type SyncLock } from './store';

type StoreMethods = Pick<MirrorStore, RpcMethodName<MirrorStore>>;

/**
 * What the worker thread serves: every method of MirrorStore, except two whose values cannot cross
 * a thread well, and the opening of the database.
 */
export interface SqliteWorkerMethods extends Omit<StoreMethods, 'acquireSyncLock' | 'applyPage'> {
  /** Opens the mirror in the worker; answers where it is, or fails as SqliteMirrorStore.open does. */
  open(options: SqliteStoreOptions): Promise<string>;
  /** A lock's release function cannot cross a thread: the lock stays there until releaseSyncLock. */
  acquireSyncLock(): Promise<void>;
  releaseSyncLock(): Promise<void>;
  /** applyPage with the rows as columns: arrays of values clone far faster than row objects. */
  applyColumns: SqliteMirrorStore['applyColumns'];
}

/** The worker's methods: the compiler holds this list to SqliteWorkerMethods, and the worker serves the plain ones from it. */
export const WORKER_METHODS = {
  open: true,
  acquireSyncLock: true,
  releaseSyncLock: true,
  readSyncState: true,
  compareWithListing: true,
  countLive: true,
  findDependents: true,
  applyColumns: true,
  markStale: true,
  startRun: true,
  finishRun: true,
  closeAbandonedRuns: true,
  listRuns: true,
  recordRunPictures: true,
  deferIndexes: true,
  restoreIndexes: true,
  refreshSearchIndex: true,
  searchMarkers: true,
  succeededEntities: true,
  searchIndexedAt: true,
  suggestionCandidates: true,
  listGenders: true,
  liveNames: true,
  mediaMarkers: true,
  mediaPerformers: true,
  readForTests: true,
  close: true,
} as const satisfies RpcMethodList<SqliteWorkerMethods>;

/**
 * The writer allocates a page's rows and frees them a moment later, over and over: a smaller young
 * generation collects that garbage sooner instead of letting the heap grow (about 20 MB less peak
 * memory for a large first sync, no measurable time).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16 };

/**
 * A packaged app runs from app.asar, but a worker thread cannot be relied on to load an ES module
 * from inside the archive; packaging unpacks the worker and what it loads (electron-builder.yml).
 */
export function outsideArchive(url: URL): URL {
  return new URL(url.href.replace('/app.asar/', '/app.asar.unpacked/'));
}

function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(outsideArchive(new URL('./sqlite-worker.js', import.meta.url)), { resourceLimits: WORKER_LIMITS });
  }
  // Run from source (CLI, tests): the worker registers the TypeScript loader before its module.
  const loader = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./sqlite-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, resourceLimits: WORKER_LIMITS });
}

export async function openWorkerMirrorStore(options: SqliteStoreOptions): Promise<MirrorStore> {
  // The worker runs the same TypeScript or bundled JavaScript as this module, under the same loader.
  const worker = startWorker();
  const peer = createRpcPeer<SqliteWorkerMethods>(workerChannel(worker), { calls: WORKER_METHODS, errors: MIRROR_ERRORS });
  const { open, acquireSyncLock, releaseSyncLock, applyColumns, close, readForTests, ...same } = failsAsDatabaseWhenStopped(peer.remote);

  const location = await open(options).catch(async (error: unknown) => {
    peer.close('the mirror could not be opened');
    await worker.terminate();
    throw error;
  });

  return {
    ...same,
    location,
    async acquireSyncLock(): Promise<SyncLock> {
      await acquireSyncLock();
      return { release: releaseSyncLock };
    },
    applyPage: (entity, rows, state) => applyColumns(entity, toPageColumns(entity, rows), state),
    // A generic method's result type does not survive the mapping of the remote's methods.
    readForTests: readForTests as MirrorStore['readForTests'],
    async close() {
      try {
        if (!peer.closed) await close();
      } finally {
        peer.close('the mirror store is closed');
        await worker.terminate();
      }
    },
  };
}

/**
 * The remote's methods, each failing with a MirrorConnectionError once the worker thread is gone:
 * the mirror process is still there, so the error must not read as that process's crash.
 */
export function failsAsDatabaseWhenStopped<T extends object>(remote: T): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(remote) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    wrapped[name] = (...args: unknown[]) =>
      method(...args).catch((error: unknown) => {
        if (!(error instanceof RpcPeerClosedError)) throw error;
        throw new MirrorConnectionError(`The SQLite mirror stopped: ${error.message}`, { cause: error });
      });
  }
  return wrapped as T;
}
