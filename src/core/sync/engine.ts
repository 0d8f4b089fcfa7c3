/**
 * The sync engine: makes the mirror equal to Stash, entity by entity, in an order that lets a
 * deleted or merged tag or performer trigger the re-fetch of the scenes and markers that referred
 * to it in the same run. docs/sync.md explains why each step is needed; this file follows it: the
 * run under the lock, then each entity's five steps (EntitySync.run). Beside it: the requests
 * (entity-queries.ts), pages ahead and rows by id (paging.ts), the listing (listing.ts), the
 * scenes' files watermark (files-watermark.ts), the change query's floor (watermark.ts) and
 * what a run leaves for the next one (warnings.ts).
 */
import { randomUUID } from 'node:crypto';
import type { ListingComparison, MirrorStore, SyncMode } from '../db/store';
import { ENTITIES, type AnyRow, type EntityName } from '../mirror-rows';
import { silentLogger, type Logger } from '../log';
import type { ServerIdentity, StashClient } from '../stash/client';
import type { SyncPhase, SyncProgress } from '../../shared/sync-progress';
import { EntityQueries } from './entity-queries';
import { FilesWatermark, type SceneFetcher } from './files-watermark';
import { listVersions, type VersionListing } from './listing';
import { fetchByIds } from './paging';
import { inFlight, settledOnFailure } from './pipelining';
import { SyncWarnings } from './warnings';
import { errorKindOf, SyncRefusedError } from '../errors';
import { changeQueryFloor, laterOf, serverClockStamp } from './watermark';

export type { SyncPhase, SyncProgress };
export { PAGES_AHEAD } from './paging';

export interface EntitySummary {
  entity: EntityName;
  /** Full rows fetched from Stash. */
  fetched: number;
  /** Rows written to the mirror. */
  upserted: number;
  staleMarked: number;
  /** Ids listed to detect deletions and missed changes. */
  listed: number;
  /** False when Stash changed during the listing: deletions were then left for the next sync. */
  deletionsChecked: boolean;
}

export interface SyncSummary {
  runId: string;
  mode: SyncMode;
  server: ServerIdentity;
  startedAt: string;
  finishedAt: string;
  entities: EntitySummary[];
  /**
   * The search's last step: rows whose words had to be indexed whole (only for a mirror written
   * before the index existed — pages index their own rows), whether the index was optimized after
   * a large sync, and how long the step took.
   */
  searchIndexed: number;
  searchOptimized: boolean;
  searchIndexSeconds: number;
  requests: number;
  /** One line each: what this run left for the next sync, in the order it was noted. */
  warnings: string[];
}

export interface SyncOptions {
  client: StashClient;
  store: MirrorStore;
  /** Default: all four, always run in dependency order. */
  entities?: readonly EntityName[];
  /** Refetch everything and accept mass deletions. */
  full?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  /** Each warning as it is noted (a listing left for the next sync); all of them are in the summary too. */
  onWarning?: (message: string) => void;
  /** Warnings and notes go to its child 'sync'. Default: silent. */
  logger?: Logger;
  /** Rows per page of full rows. */
  pageSize?: number;
  /** Rows per page of id listings. Stash fails above about 32,000 markers a page. */
  listingPageSize?: number;
  /** Whole pages are written together until a transaction holds at least this many rows. */
  writeBatchRows?: number;
  /** A sync that writes at least this many rows optimizes the search index afterwards. */
  optimizeSearchAfterRows?: number;
}

/** Writing more rows than this in one sync (a first sync, a large scan) leaves the search index worth merging. */
const OPTIMIZE_SEARCH_AFTER_ROWS = 20_000;
/** Above this share of an entity, vanished rows are more likely a wrong server than deletions. */
export const MAX_STALE_SHARE = 0.9;

/**
 * Makes the mirror equal to Stash. Whatever fails, the error raised (and each run's stored error)
 * is redacted with the client's secrets: a server may echo the key into any message, even into a
 * value that fails validation.
 */
export async function syncStash(options: SyncOptions): Promise<SyncSummary> {
  try {
    return await syncUnderLock(options);
  } catch (error) {
    // A cancel may surface as whatever it interrupted (PostgreSQL's "canceling statement due to
    // user request"): the caller hears its own reason.
    if (options.signal?.aborted) throw options.signal.reason;
    throw options.client.secrets.redactError(error);
  }
}

async function syncUnderLock(options: SyncOptions): Promise<SyncSummary> {
  const { client, store, signal } = options;
  const mode: SyncMode = options.full ? 'full' : 'incremental';
  const startedAt = new Date().toISOString();
  const requestsBefore = client.stats.requests;

  const lock = await store.acquireSyncLock(signal);
  try {
    await store.closeAbandonedRuns();
    // Before anything is written: a wrong URL or key fails here and leaves the mirror untouched.
    const server = await client.identify(signal);
    const logger = (options.logger ?? silentLogger).child('sync');
    const run: SyncRun = {
      runId: randomUUID(),
      mode,
      logger,
      warnings: new SyncWarnings(logger, options.onWarning),
      serverDateMs: client.serverDateMs,
    };
    // Each entity's counts, as they grow: a failed entity's too, for what it wrote before failing.
    const entities: EntitySummary[] = [];
    try {
      await syncEntities(options, run, entities);
    } catch (error) {
      await refreshSearchAfterFailure(options, run, entities);
      throw error;
    }
    // Marker search reads the tag closure and the search index: bring both up to date with what
    // this run wrote, still under the lock.
    options.onProgress?.({ entity: 'markers', phase: 'indexing', done: 0, total: 1 });
    const indexStarted = performance.now();
    const written = entities.reduce((n, e) => n + e.upserted, 0);
    const search = await store.refreshSearchIndex({
      optimize: written >= (options.optimizeSearchAfterRows ?? OPTIMIZE_SEARCH_AFTER_ROWS),
      unchanged: await mirrorUnchanged(store, run.runId, entities),
    });
    const searchIndexSeconds = (performance.now() - indexStarted) / 1000;
    options.onProgress?.({ entity: 'markers', phase: 'indexing', done: 1, total: 1 });
    return {
      runId: run.runId,
      mode,
      server,
      startedAt,
      finishedAt: new Date().toISOString(),
      entities,
      searchIndexed: search.indexed,
      searchOptimized: search.optimized,
      searchIndexSeconds,
      requests: client.stats.requests - requestsBefore,
      warnings: run.warnings.lines,
    };
  } finally {
    await lock.release();
  }
}

/** One sync, as every entity's sync sees it. */
interface SyncRun {
  runId: string;
  mode: SyncMode;
  logger: Logger;
  warnings: SyncWarnings;
  /** The server's clock before this run read any row (its identity answer's Date header), if it gave one. */
  serverDateMs: number | null;
}

/** Syncs the wanted entities in dependency order, each recorded as a run; stops at the first that fails. */
async function syncEntities(options: SyncOptions, run: SyncRun, summaries: EntitySummary[]): Promise<void> {
  const { runId, mode } = run;
  const { store, signal } = options;
  const wanted = new Set(options.entities ?? ENTITIES);
  // Into an empty mirror, secondary indexes are built once after the rows instead of row by row:
  // each entity's after its pages (EntitySync), whatever is left here.
  const deferred = await store.deferIndexes();
  let performers: { sync: EntitySync; runRow: number } | null = null;
  try {
    for (const entity of ENTITIES.filter((e) => wanted.has(e))) {
      const runRow = await store.startRun({ runId, entity, mode });
      const sync = new EntitySync(entity, options, run, deferred);
      summaries.push(sync.summary);
      try {
        await sync.run();
        // Performers sync before tags, yet a tag merge or destroy re-points or drops performer
        // tags without bumping the performers: once tags are done, those pointing at a tag that
        // just went stale are fetched again, counted in the performers' run.
        if (entity === 'tags' && performers) {
          await performers.sync.refetchDependents();
          await store.finishRun(performers.runRow, { status: 'succeeded', ...counts(performers.sync.summary), error: null, errorKind: null });
        }
        if (entity === 'performers') performers = { sync, runRow };
        await store.finishRun(runRow, { status: 'succeeded', ...counts(sync.summary), error: null, errorKind: null });
      } catch (error) {
        const status = signal?.aborted ? 'cancelled' : 'failed';
        const message = signal?.aborted ? 'cancelled' : options.client.secrets.redact(error instanceof Error ? error.message : String(error));
        await store.finishRun(runRow, {
          status,
          ...counts(sync.summary),
          error: message,
          errorKind: signal?.aborted ? 'cancelled' : errorKindOf(error),
        });
        throw error;
      }
    }
  } finally {
    // Also after a failure: the mirror keeps its indexes whatever happens to the sync.
    if (deferred) await store.restoreIndexes();
  }
}

/** Whether any entity of the run wrote or marked stale a row. */
function wroteRows(summaries: readonly EntitySummary[]): boolean {
  return summaries.some((s) => s.upserted > 0 || s.staleMarked > 0);
}

/**
 * Whether the mirror is still as the search state's time describes it: this run wrote nothing, and
 * the run before it succeeded and finished before that time, so its refresh ran (a run killed,
 * failed or cancelled may have written pages no refresh followed). The search then keeps its index.
 */
async function mirrorUnchanged(store: MirrorStore, runId: string, entities: readonly EntitySummary[]): Promise<boolean> {
  if (wroteRows(entities)) return false;
  const indexedAt = await store.searchIndexedAt();
  const runs = await store.listRuns();
  const previousId = runs.find((r) => r.runId !== runId)?.runId;
  const previous = runs.filter((r) => r.runId === previousId);
  return (
    indexedAt !== null &&
    previous.length > 0 &&
    previous.every((r) => r.status === 'succeeded' && r.finishedAt !== null && r.finishedAt.getTime() <= indexedAt.getTime())
  );
}

/**
 * What a failed or cancelled sync committed stays in the mirror, so the search must see it whole
 * (markers found by a tag must be found with its sub-tags too). The refresh takes no signal, so a
 * cancelled sync still runs it, unoptimized so that a cancel ends promptly. Its own failure (on
 * PostgreSQL, most likely the same lost connection) must not hide the sync's error, so it is only
 * logged; the next sync refreshes the search anyway.
 */
async function refreshSearchAfterFailure({ store, client }: SyncOptions, { logger }: SyncRun, summaries: readonly EntitySummary[]): Promise<void> {
  if (!wroteRows(summaries)) return;
  await store.refreshSearchIndex({ optimize: false }).catch((error: unknown) => {
    const reason = client.secrets.redact(error instanceof Error ? error.message : String(error));
    logger.warn(`the search was not refreshed after the failed sync; the next sync refreshes it: ${reason}`);
  });
}

function counts(s: EntitySummary) {
  return { fetched: s.fetched, upserted: s.upserted, staleMarked: s.staleMarked };
}

class EntitySync implements SceneFetcher {
  readonly summary: EntitySummary;
  readonly queries: EntityQueries;
  private readonly writeBatchRows: number;
  /** Scenes only: when the files watermark may move (files-watermark.ts). */
  private files: FilesWatermark | null = null;

  constructor(
    private readonly entity: EntityName,
    private readonly options: SyncOptions,
    private readonly sync: SyncRun,
    /** A first sync: this entity's indexes are built once its pages are written. */
    private readonly indexesDeferred: boolean,
  ) {
    this.summary = { entity, fetched: 0, upserted: 0, staleMarked: 0, listed: 0, deletionsChecked: false };
    this.queries = new EntityQueries(entity, options.client, options.signal, options.pageSize ?? 1000, options.listingPageSize ?? 5000);
    this.writeBatchRows = options.writeBatchRows ?? 5000;
  }

  async run(): Promise<EntitySummary> {
    const { store } = this.options;
    const { mode } = this.sync;
    const state = await store.readSyncState(this.entity);
    const floor = state.watermark && mode === 'incremental' ? changeQueryFloor(state.watermark) : null;
    if (this.entity === 'scenes') this.files = await FilesWatermark.start(store, state.filesWatermark, floor, mode);

    // 1. Changed rows, by high-water mark: the bulk of any change arrives here in sorted pages.
    const reached = floor
      ? await this.fetchChanges({ updated_at: { value: floor, modifier: 'GREATER_THAN' } }, 'updated_at', state.watermark)
      : await this.fetchChanges(null, 'id', null);
    await this.raiseWatermarkToServerClock(reached);
    // 2. Scenes: files rescanned since the files watermark (a rescan does not bump the scene).
    await this.files?.fetchRescanned(this);

    // A first sync builds this entity's indexes on the writer's side while the listing is fetched.
    const indexing = this.indexesDeferred ? inFlight(store.restoreIndexes(this.entity)) : null;

    // 3. List every id with its updated_at: catches rows the paged query skipped while Stash
    //    changed under it, updates hidden by string order, and deletions.
    const { comparison, stable, listing } = await settledOnFailure(
      () => this.listVersions(),
      () => indexing,
    );
    await indexing;
    const refetch = new Set<number>(comparison.changed);
    for (const id of this.files?.unfetchedOf(listing, stable) ?? []) refetch.add(id);

    // 4. Deletions, only on the evidence of a listing that held still.
    if (stable) {
      await this.markVanished(comparison);
    } else {
      this.warn('Stash changed while its ids were listed; deletions are left for the next sync');
    }

    // 5. Relations Stash drops without a bump: rows pointing at rows that just went stale.
    for (const id of await store.findDependents(this.entity)) refetch.add(id);

    await this.fetchByIds([...refetch], 'refetch');
    await this.files?.save(store, (message) => this.warn(message), this.sync.serverDateMs);
    return this.summary;
  }

  /**
   * Every row the change query returned was read after the server's clock said `serverDateMs`, so
   * that moment is as good a watermark as a stamp seen (docs/sync.md, step 1). On a quiet Stash the
   * newest stamp stays put and its overlap would be fetched again by every sync; the clock moves
   * on, and once it is past the overlap nothing unchanged is fetched.
   */
  private async raiseWatermarkToServerClock(reached: string | null): Promise<void> {
    const clock = serverClockStamp(this.sync.serverDateMs, reached);
    if (clock && laterOf(reached, clock) !== reached) await this.options.store.applyPage(this.entity, [], { watermark: clock });
  }

  /** Step 5 again, for relations to an entity synced after this one. */
  async refetchDependents(): Promise<void> {
    await this.fetchByIds(await this.options.store.findDependents(this.entity), 'refetch');
  }

  /** Offset pages over a filter and sort; each batch of pages commits with the watermark it reached. */
  private async fetchChanges(
    filter: Record<string, unknown> | null,
    sort: 'id' | 'updated_at',
    startWatermark: string | null,
  ): Promise<string | null> {
    let watermark = startWatermark;
    let done = 0;
    const pages = this.queries.rowPages(sort, filter);
    // Whole pages are committed together, up to writeBatchRows: fewer, larger transactions rewrite
    // each index page once instead of once per page. A batch and its watermark commit atomically.
    // One batch is written while the next is fetched; writes stay in order.
    let batch: AnyRow[] = [];
    let writing: Promise<void> = Promise.resolve();
    const flush = async () => {
      await writing;
      if (batch.length === 0) return;
      writing = inFlight(this.apply(batch, { watermark }));
      batch = [];
    };
    const fetchAndWrite = async () => {
      for await (const { count, rows } of pages) {
        for (const row of rows) {
          watermark = laterOf(watermark, row.stashUpdatedAt);
          batch.push(row);
        }
        if (batch.length >= this.writeBatchRows) await flush();
        done += rows.length;
        this.progress('changes', done, Math.max(count, done));
      }
      await flush();
    };
    await settledOnFailure(fetchAndWrite, () => writing);
    await writing;
    return watermark;
  }

  private async listVersions(): Promise<VersionListing> {
    const result = await listVersions(this.queries, this.options.store, (done, total) => this.progress('listing', done, total));
    this.summary.listed = result.listing.ids.length;
    if (result.stable && result.attempts > 1) {
      this.sync.logger.info(`${this.entity}: Stash changed while its ids were listed; listed again`, {
        entity: this.entity,
        attempts: result.attempts,
      });
    }
    return result;
  }

  private async markVanished({ vanished, live }: ListingComparison): Promise<void> {
    this.summary.deletionsChecked = true;
    if (vanished.length === 0) return;
    if (this.sync.mode !== 'full' && vanished.length > MAX_STALE_SHARE * live) {
      throw new SyncRefusedError(
        `Refusing to mark ${vanished.length} of ${live} ${this.entity} stale in one run ` +
          `(more than ${MAX_STALE_SHARE * 100}%): is this the same Stash library? Run a full sync (--full) to accept it`,
      );
    }
    this.summary.staleMarked += await this.options.store.markStale(this.entity, vanished);
  }

  /** Rows by id, in batches; an id Stash no longer has is skipped, and the next listing marks it stale. */
  async fetchByIds(ids: number[], phase: SyncPhase): Promise<void> {
    let done = 0;
    let vanished = 0;
    await fetchByIds(ids, {
      batchSize: this.queries.pageSize,
      request: (batch) => this.queries.rowsByIds(batch),
      write: async (batch, page) => {
        await this.apply(page.rows);
        done += batch.length;
        this.progress(phase, done, ids.length);
      },
      vanished: () => {
        done++;
        vanished++;
      },
    });
    if (vanished > 0) {
      this.warn(`${vanished} of the rows fetched by id had left Stash; a later listing marks them stale`);
    }
  }

  /** Writes rows, with the watermarks they move. */
  async apply(rows: readonly AnyRow[], state: { watermark?: string | null } = {}): Promise<void> {
    this.summary.fetched += rows.length;
    this.files?.noteFetched(rows);
    const filesWatermark = this.files?.batchWatermark() ?? null;
    this.summary.upserted += await this.options.store.applyPage(this.entity, rows, {
      ...state,
      ...(filesWatermark ? { filesWatermark } : {}),
    });
  }

  private warn(message: string): void {
    this.sync.warnings.add(this.entity, message);
  }

  private progress(phase: SyncPhase, done: number, total: number): void {
    this.options.onProgress?.({ entity: this.entity, phase, done, total });
  }
}
