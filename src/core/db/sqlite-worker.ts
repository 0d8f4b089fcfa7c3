/**
 * Worker thread that owns the SQLite mirror connection. The sync's writes run here, so the thread
 * that fetches and parses Stash's pages never waits on SQLite: a page is parsed while the previous
 * one is written. Messages: { id, method, args } in, { id, result } or { id, error } out; id 0
 * reports the outcome of opening the database.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteMirrorStore, type SqliteStoreOptions } from './sqlite-store';
import type { SyncLock } from './store';

const port = parentPort!;

function serializeError(error: unknown) {
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, message: e.message };
}

function serve(store: SqliteMirrorStore): void {
  // A lock's release function cannot cross threads: the proxy asks for releaseSyncLock instead.
  let heldLock: SyncLock | null = null;
  const methods: Record<string, (...args: never[]) => Promise<unknown>> = {
    acquireSyncLock: async () => {
      heldLock = await store.acquireSyncLock();
      return null;
    },
    releaseSyncLock: async () => {
      await heldLock?.release();
      heldLock = null;
    },
    readSyncState: (...a: Parameters<SqliteMirrorStore['readSyncState']>) => store.readSyncState(...a),
    compareWithListing: (...a: Parameters<SqliteMirrorStore['compareWithListing']>) => store.compareWithListing(...a),
    countLive: (...a: Parameters<SqliteMirrorStore['countLive']>) => store.countLive(...a),
    findDependents: (...a: Parameters<SqliteMirrorStore['findDependents']>) => store.findDependents(...a),
    applyColumns: (...a: Parameters<SqliteMirrorStore['applyColumns']>) => store.applyColumns(...a),
    markStale: (...a: Parameters<SqliteMirrorStore['markStale']>) => store.markStale(...a),
    startRun: (...a: Parameters<SqliteMirrorStore['startRun']>) => store.startRun(...a),
    finishRun: (...a: Parameters<SqliteMirrorStore['finishRun']>) => store.finishRun(...a),
    closeAbandonedRuns: () => store.closeAbandonedRuns(),
    listRuns: (...a: Parameters<SqliteMirrorStore['listRuns']>) => store.listRuns(...a),
    succeededEntities: () => store.succeededEntities(),
    deferIndexes: () => store.deferIndexes(),
    restoreIndexes: (...a: Parameters<SqliteMirrorStore['restoreIndexes']>) => store.restoreIndexes(...a),
    refreshSearchIndex: (...a: Parameters<SqliteMirrorStore['refreshSearchIndex']>) => store.refreshSearchIndex(...a),
    searchMarkers: (...a: Parameters<SqliteMirrorStore['searchMarkers']>) => store.searchMarkers(...a),
    searchIndexedAt: () => store.searchIndexedAt(),
    suggestionCandidates: (...a: Parameters<SqliteMirrorStore['suggestionCandidates']>) => store.suggestionCandidates(...a),
    listGenders: () => store.listGenders(),
    liveNames: (...a: Parameters<SqliteMirrorStore['liveNames']>) => store.liveNames(...a),
    readForTests: (...a: Parameters<SqliteMirrorStore['readForTests']>) => store.readForTests(...a),
    close: async () => {
      await heldLock?.release();
      await store.close();
    },
  };
  port.on('message', async ({ id, method, args }: { id: number; method: string; args: never[] }) => {
    try {
      const handler = methods[method];
      if (!handler) throw new Error(`Unknown mirror store method ${method}`);
      port.postMessage({ id, result: await handler(...args) });
    } catch (error) {
      port.postMessage({ id, error: serializeError(error) });
    }
  });
}

try {
  const store = SqliteMirrorStore.open(workerData as SqliteStoreOptions);
  serve(store);
  port.postMessage({ id: 0, result: store.location });
} catch (error) {
  port.postMessage({ id: 0, error: serializeError(error) });
}
