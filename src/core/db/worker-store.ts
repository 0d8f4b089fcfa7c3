/**
 * A MirrorStore whose SQLite connection lives in a worker thread (sqlite-worker.ts). Same contract
 * as SqliteMirrorStore; every call is a message, and errors keep their class across the boundary.
 */
import { Worker } from 'node:worker_threads';
import { toPageColumns } from './mirror-sql';
import type { SqliteStoreOptions } from './sqlite-store';
import { MirrorSchemaError, SyncAlreadyRunningError, type MirrorStore, type SyncLock } from './store';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

const ERROR_CLASSES: Record<string, new (message: string) => Error> = {
  MirrorSchemaError,
  SyncAlreadyRunningError: class extends SyncAlreadyRunningError {
    constructor(message: string) {
      super('');
      this.message = message;
    }
  },
};

function reviveError(serialized: { name: string; message: string }): Error {
  const ErrorClass = ERROR_CLASSES[serialized.name];
  const error = ErrorClass ? new ErrorClass(serialized.message) : new Error(serialized.message);
  error.name = serialized.name;
  return error;
}

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

function startWorker(options: SqliteStoreOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(outsideArchive(new URL('./sqlite-worker.js', import.meta.url)), { workerData: options, resourceLimits: WORKER_LIMITS });
  }
  // Run from source (CLI, tests): the worker registers the TypeScript loader before its module.
  const loader = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./sqlite-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: options, resourceLimits: WORKER_LIMITS });
}

export async function openWorkerMirrorStore(options: SqliteStoreOptions): Promise<MirrorStore> {
  // The worker runs the same TypeScript or bundled JavaScript as this module, under the same loader.
  const worker = startWorker(options);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | null = null;

  worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: { name: string; message: string } }) => {
    const call = pending.get(id);
    pending.delete(id);
    if (error) call?.reject(reviveError(error));
    else call?.resolve(result);
  });
  worker.on('error', (error) => {
    failure = error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  });

  const call = <T>(method: string, ...args: unknown[]): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, method, args });
    });
  };

  const location = await new Promise<string>((resolve, reject) => pending.set(0, { resolve: resolve as (v: unknown) => void, reject })).catch(
    async (error: Error) => {
      await worker.terminate();
      throw error;
    },
  );

  const store: MirrorStore = {
    location,
    async acquireSyncLock(): Promise<SyncLock> {
      await call('acquireSyncLock');
      return { release: () => call('releaseSyncLock') };
    },
    readSyncState: (entity) => call('readSyncState', entity),
    compareWithListing: (entity, listing, range) => call('compareWithListing', entity, listing, range),
    countLive: (entity) => call('countLive', entity),
    findDependents: (entity) => call('findDependents', entity),
    applyPage: (entity, rows, state) => call('applyColumns', entity, toPageColumns(entity, rows), state),
    markStale: (entity, ids) => call('markStale', entity, ids),
    startRun: (run) => call('startRun', run),
    finishRun: (runRowId, outcome) => call('finishRun', runRowId, outcome),
    closeAbandonedRuns: () => call('closeAbandonedRuns'),
    listRuns: (limit) => call('listRuns', limit),
    succeededEntities: () => call('succeededEntities'),
    deferIndexes: () => call('deferIndexes'),
    restoreIndexes: (entity) => call('restoreIndexes', entity),
    refreshSearchIndex: (options) => call('refreshSearchIndex', options),
    searchMarkers: (query) => call('searchMarkers', query),
    searchIndexedAt: () => call('searchIndexedAt'),
    suggestionCandidates: (kind) => call('suggestionCandidates', kind),
    listGenders: () => call('listGenders'),
    liveNames: (entity) => call('liveNames', entity),
    readForTests: (sql, params) => call('readForTests', sql, params),
    async close() {
      if (!failure) await call('close');
      await worker.terminate();
    },
  };
  return store;
}
