/**
 * The sync engine: makes the mirror equal to Stash, entity by entity, in an order that lets a
 * deleted or merged tag or performer trigger the re-fetch of the scenes and markers that referred
 * to it in the same run. docs/sync.md explains why each step is needed.
 */
import { randomUUID } from 'node:crypto';
import type { Listing, ListingComparison, MirrorStore, SyncMode } from '../db/store';
import { ENTITIES, type AnyRow, type EntityName, type RowVersion, type SceneRow } from '../mirror-rows';
import type { ServerIdentity, StashClient } from '../stash/client';
import { MARKER_LISTING, MARKER_ROWS, PERFORMER_LISTING, PERFORMER_ROWS, SCENE_LISTING, SCENE_ROWS, TAG_LISTING, TAG_ROWS } from '../stash/documents';
import { StashQueryError } from '../stash/errors';
import { readRowPage, readVersionPage, WIRE_FIELDS, type Page } from '../stash/wire';
import type { SyncPhase, SyncProgress } from '../../shared/sync-progress';
import { changeQueryFloor, laterOf } from './watermark';

export type { SyncPhase, SyncProgress };

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
  /** Non-fatal notes (a listing that had to be left for next time). */
  onWarning?: (message: string) => void;
  /** Rows per page of full rows. */
  pageSize?: number;
  /** Rows per page of id listings. Stash fails above about 32,000 markers a page. */
  listingPageSize?: number;
  /** Whole pages are written together until a transaction holds at least this many rows. */
  writeBatchRows?: number;
  /** A sync that writes at least this many rows optimizes the search index afterwards. */
  optimizeSearchAfterRows?: number;
}

export class SyncRefusedError extends Error {
  override name = 'SyncRefusedError';
}

/** Writing more rows than this in one sync (a first sync, a large scan) leaves the search index worth merging. */
const OPTIMIZE_SEARCH_AFTER_ROWS = 20_000;
/** Above this share of an entity, vanished rows are more likely a wrong server than deletions. */
export const MAX_STALE_SHARE = 0.9;
const LISTING_ATTEMPTS = 3;
/** Requests kept in flight ahead of the page being processed. */
export const PAGES_AHEAD = 2;

const DOCUMENTS: Record<EntityName, { rows: string; listing: string }> = {
  performers: { rows: PERFORMER_ROWS, listing: PERFORMER_LISTING },
  tags: { rows: TAG_ROWS, listing: TAG_LISTING },
  scenes: { rows: SCENE_ROWS, listing: SCENE_LISTING },
  markers: { rows: MARKER_ROWS, listing: MARKER_LISTING },
};

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
    const runId = randomUUID();
    // Each entity's counts, as they grow: a failed entity's too, for what it wrote before failing.
    const entities: EntitySummary[] = [];
    try {
      await syncEntities(options, runId, mode, entities);
    } catch (error) {
      await refreshSearchAfterFailure(store, entities);
      throw error;
    }
    // Marker search reads the tag closure and the search index: bring both up to date with what
    // this run wrote, still under the lock.
    options.onProgress?.({ entity: 'markers', phase: 'indexing', done: 0, total: 1 });
    const indexStarted = performance.now();
    const written = entities.reduce((n, e) => n + e.upserted, 0);
    const search = await store.refreshSearchIndex({ optimize: written >= (options.optimizeSearchAfterRows ?? OPTIMIZE_SEARCH_AFTER_ROWS) });
    const searchIndexSeconds = (performance.now() - indexStarted) / 1000;
    options.onProgress?.({ entity: 'markers', phase: 'indexing', done: 1, total: 1 });
    return {
      runId,
      mode,
      server,
      startedAt,
      finishedAt: new Date().toISOString(),
      entities,
      searchIndexed: search.indexed,
      searchOptimized: search.optimized,
      searchIndexSeconds,
      requests: client.stats.requests - requestsBefore,
    };
  } finally {
    await lock.release();
  }
}

/** Syncs the wanted entities in dependency order, each recorded as a run; stops at the first that fails. */
async function syncEntities(options: SyncOptions, runId: string, mode: SyncMode, summaries: EntitySummary[]): Promise<void> {
  const { store, signal } = options;
  const wanted = new Set(options.entities ?? ENTITIES);
  // Into an empty mirror, secondary indexes are built once after the rows instead of row by row:
  // each entity's after its pages (EntitySync), whatever is left here.
  const deferred = await store.deferIndexes();
  try {
    for (const entity of ENTITIES.filter((e) => wanted.has(e))) {
      const runRow = await store.startRun({ runId, entity, mode });
      const sync = new EntitySync(entity, options, mode, deferred);
      summaries.push(sync.summary);
      try {
        await sync.run();
        await store.finishRun(runRow, { status: 'succeeded', ...counts(sync.summary), error: null });
      } catch (error) {
        const status = signal?.aborted ? 'cancelled' : 'failed';
        const message = signal?.aborted ? 'cancelled' : options.client.secrets.redact(error instanceof Error ? error.message : String(error));
        await store.finishRun(runRow, { status, ...counts(sync.summary), error: message });
        throw error;
      }
    }
  } finally {
    // Also after a failure: the mirror keeps its indexes whatever happens to the sync.
    if (deferred) await store.restoreIndexes();
  }
}

/**
 * What a failed or cancelled sync committed stays in the mirror, so the search must see it whole
 * (markers found by a tag must be found with its sub-tags too). The refresh takes no signal, so a
 * cancelled sync still runs it, unoptimized so that a cancel ends promptly. Its own failure (on
 * PostgreSQL, most likely the same lost connection) must not hide the sync's error; the next
 * sync refreshes the search anyway.
 */
async function refreshSearchAfterFailure(store: MirrorStore, summaries: readonly EntitySummary[]): Promise<void> {
  if (!summaries.some((s) => s.upserted > 0 || s.staleMarked > 0)) return;
  await store.refreshSearchIndex({ optimize: false }).catch(() => {});
}

function counts(s: EntitySummary) {
  return { fetched: s.fetched, upserted: s.upserted, staleMarked: s.staleMarked };
}

class EntitySync {
  readonly summary: EntitySummary;
  private readonly pageSize: number;
  private readonly listingPageSize: number;
  private readonly writeBatchRows: number;
  /**
   * Scenes only. A rescan changes a file without bumping its scene, so neither the change query
   * nor the listing sees it; only the files query does, and only if it saw every scene it should.
   * So the files watermark moves past what this run saw (`seen`) only once the run is known to
   * have seen whole every scene whose files may have changed: at each batch when the mirror held no
   * live scene to begin with (any scene not reached is missing, and the listing fetches it), and
   * otherwise once, at the end, after a verified files query or after fetching every listed scene.
   */
  private files: {
    stored: string | null;
    seen: string | null;
    perBatch: boolean;
    /** Every scene fetched in this run. */
    fetchedIds: Set<number>;
    /** No files query to trust: every listed scene must be fetched in this run. */
    fetchEveryListed: boolean;
  } | null = null;

  constructor(
    private readonly entity: EntityName,
    private readonly options: SyncOptions,
    private readonly mode: SyncMode,
    /** A first sync: this entity's indexes are built once its pages are written. */
    private readonly indexesDeferred: boolean,
  ) {
    this.summary = { entity, fetched: 0, upserted: 0, staleMarked: 0, listed: 0, deletionsChecked: false };
    this.pageSize = options.pageSize ?? 1000;
    this.listingPageSize = options.listingPageSize ?? 5000;
    this.writeBatchRows = options.writeBatchRows ?? 5000;
  }

  async run(): Promise<EntitySummary> {
    const { store } = this.options;
    const state = await store.readSyncState(this.entity);
    const floor = state.watermark && this.mode === 'incremental' ? changeQueryFloor(state.watermark) : null;
    const filesFloor = state.filesWatermark && this.mode === 'incremental' ? changeQueryFloor(state.filesWatermark) : null;
    if (this.entity === 'scenes') {
      const perBatch = (await store.countLive('scenes')) === 0;
      const fetchEveryListed = !perBatch && !(floor && filesFloor);
      this.files = { stored: state.filesWatermark, seen: null, perBatch, fetchedIds: new Set(), fetchEveryListed };
    }

    // 1. Changed rows, by high-water mark: the bulk of any change arrives here in sorted pages.
    if (floor) {
      await this.fetchPages({ updated_at: { value: floor, modifier: 'GREATER_THAN' } }, 'updated_at', state.watermark);
    } else {
      await this.fetchPages(null, 'id', null);
    }
    // 2. Scenes: files rescanned since the files watermark (a rescan does not bump the scene).
    let filesComplete = this.files?.perBatch ?? false;
    if (this.files && !this.files.perBatch && floor && filesFloor) filesComplete = await this.fetchFileChanges(filesFloor);

    // A first sync builds this entity's indexes on the writer's side while the listing is fetched.
    const indexing = this.indexesDeferred ? inFlight(store.restoreIndexes(this.entity)) : null;

    // 3. List every id with its updated_at: catches rows the paged query skipped while Stash
    //    changed under it, updates hidden by string order, and deletions.
    const { comparison, stable, listing } = await settledOnFailure(() => this.listVersions(), () => indexing);
    await indexing;
    const refetch = new Set<number>(comparison.changed);
    if (this.files?.fetchEveryListed) {
      for (const id of listing.ids) if (!this.files.fetchedIds.has(id)) refetch.add(id);
      filesComplete = stable;
    }
    // 4. Deletions, only on the evidence of a listing that held still.
    if (stable) {
      await this.markVanished(comparison);
    } else {
      this.options.onWarning?.(
        `${this.entity}: Stash changed while its ids were listed; deletions are left for the next sync`,
      );
    }

    // 5. Relations Stash drops without a bump: rows pointing at rows that just went stale.
    for (const id of await store.findDependents(this.entity)) refetch.add(id);

    await this.fetchByIds([...refetch], 'refetch');
    if (this.files && !this.files.perBatch) await this.saveFilesWatermark(filesComplete);
    return this.summary;
  }

  /**
   * Scenes whose files changed since the floor. Usually a few: one page of rows, one snapshot.
   * Over several pages, offset paging skips a scene when one leaves the set mid-way, so the set is
   * then listed by id, the scenes not fetched yet are fetched by id, and the set is listed again,
   * until two listings agree. A scene fetched at any time in this run will do: a later rescan of
   * it is stamped after the run began, inside the next run's overlap.
   */
  private async fetchFileChanges(floor: string): Promise<boolean> {
    const sceneFilter = { files_filter: { updated_at: { value: floor, modifier: 'GREATER_THAN' } } };
    const first = readRowPage(
      'scenes',
      await this.query(SCENE_ROWS, { filter: { page: 1, per_page: this.pageSize, sort: 'id', direction: 'ASC' }, scene_filter: sceneFilter }),
      this.pageSize,
    );
    await this.apply(first.rows, {});
    if (first.rows.length < this.pageSize) return true;
    let listed = await this.listSceneIds(sceneFilter);
    for (let attempt = 1; attempt <= LISTING_ATTEMPTS; attempt++) {
      await this.fetchByIds(listed.ids.filter((id) => !this.files!.fetchedIds.has(id)), 'changes');
      if (listed.pages === 1) return true;
      const again = await this.listSceneIds(sceneFilter);
      if (again.ids.length === listed.ids.length && again.ids.every((id, i) => id === listed.ids[i])) return true;
      listed = again;
    }
    return false;
  }

  /** Ids of the scenes a filter finds, ascending and each once, and how many pages that took. */
  private async listSceneIds(sceneFilter: Record<string, unknown>): Promise<{ ids: number[]; pages: number }> {
    const ids: number[] = [];
    let pageCount = 0;
    for await (const { rows } of this.listingPages({ scene_filter: sceneFilter })) {
      pageCount++;
      for (const row of rows) ids.push(row.id);
    }
    return { ids: [...new Set(ids)].sort((a, b) => a - b), pages: pageCount };
  }

  private async saveFilesWatermark(complete: boolean): Promise<void> {
    const { stored, seen } = this.files!;
    if (!complete) {
      this.options.onWarning?.('scenes: Stash changed while the sync read it; rescanned files are checked again on the next sync');
      return;
    }
    const filesWatermark = laterOf(stored, seen);
    if (filesWatermark !== stored) await this.options.store.applyPage('scenes', [], { filesWatermark });
  }

  /** Offset pages over a filter and sort; each page commits with the watermark it reached. */
  private async fetchPages(filter: Record<string, unknown> | null, sort: 'id' | 'updated_at', startWatermark: string | null) {
    const { filterArg } = WIRE_FIELDS[this.entity];
    let watermark = startWatermark;
    let done = 0;
    const pages = this.pages(this.pageSize, async (page) =>
      readRowPage(
        this.entity,
        await this.query(DOCUMENTS[this.entity].rows, {
          filter: { page, per_page: this.pageSize, sort, direction: 'ASC' },
          ...(filter ? { [filterArg]: filter } : {}),
        }),
        this.pageSize,
      ),
    );
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
  }

  /**
   * Offset pages until a short one. The next pages are requested before the current one is handed
   * over, so the server computes them while this one is parsed and written.
   */
  private async *pages<T>(perPage: number, request: (page: number) => Promise<Page<T>>): AsyncGenerator<Page<T>> {
    const requested = new Map<number, Promise<Page<T>>>();
    const ensure = (page: number) => {
      if (!requested.has(page)) requested.set(page, inFlight(request(page)));
    };
    ensure(1);
    for (let page = 1; ; page++) {
      const current = await requested.get(page)!;
      requested.delete(page);
      const more = current.rows.length >= perPage;
      if (more) {
        const last = Math.ceil(current.count / perPage);
        if (page > last + 1) {
          throw new StashQueryError(`${WIRE_FIELDS[this.entity].root} kept returning full pages beyond its count`, []);
        }
        ensure(page + 1);
        for (let ahead = page + 2; ahead <= Math.min(last, page + PAGES_AHEAD); ahead++) ensure(ahead);
        await letRequestLeave();
      }
      yield current;
      if (!more) return;
    }
  }

  /**
   * Lists (id, updated_at) sorted by id and compares it with the mirror, each page while the next
   * is fetched. Offset paging can skip a row only when rows are deleted mid-listing, and new ids
   * only ever grow; so when the count and the highest id are the same before and after, the
   * listing is a faithful snapshot and may be used to mark rows stale.
   */
  private async listVersions(): Promise<{ comparison: ListingComparison; stable: boolean; listing: Listing }> {
    const { store } = this.options;
    let listing: Listing = { ids: [], stamps: [] };
    let compared = new PagewiseComparison(store, this.entity);
    for (let attempt = 1; attempt <= LISTING_ATTEMPTS; attempt++) {
      const before = await this.signature();
      listing = { ids: [], stamps: [] };
      compared = new PagewiseComparison(store, this.entity);
      let consistent = true;
      for await (const result of this.listingPages()) {
        if (result.count !== before.count) consistent = false;
        const page: Listing = { ids: [], stamps: [] };
        for (const row of result.rows) {
          page.ids.push(row.id);
          page.stamps.push(row.stashUpdatedAt);
          listing.ids.push(row.id);
          listing.stamps.push(row.stashUpdatedAt);
        }
        compared.add(page);
        this.progress('listing', listing.ids.length, Math.max(result.count, listing.ids.length));
      }
      const after = await this.signature();
      this.summary.listed = listing.ids.length;
      if (consistent && compared.ordered && after.count === before.count && after.maxId === before.maxId && listing.ids.length === before.count) {
        return { comparison: await compared.result(), stable: true, listing };
      }
    }
    // Stash never held still: what changed is still fetched, but nothing is marked stale. A listing
    // that shifted under offset paging can repeat rows or lose their order: compare it whole.
    const comparison = compared.ordered ? await compared.result() : await store.compareWithListing(this.entity, sortedUnique(listing));
    return { comparison, stable: false, listing };
  }

  /** (id, updated_at) pages of this entity's listing, sorted by id; `filters` narrows it (scenes). */
  private listingPages(filters: Record<string, unknown> = {}): AsyncGenerator<Page<RowVersion>> {
    return this.pages(this.listingPageSize, async (page) =>
      readVersionPage(
        this.entity,
        await this.query(DOCUMENTS[this.entity].listing, {
          filter: { page, per_page: this.listingPageSize, sort: 'id', direction: 'ASC' },
          ...filters,
        }),
        this.listingPageSize,
      ),
    );
  }

  private async signature(): Promise<{ count: number; maxId: number | null }> {
    const data = await this.query(DOCUMENTS[this.entity].listing, {
      filter: { page: 1, per_page: 1, sort: 'id', direction: 'DESC' },
    });
    const { count, rows } = readVersionPage(this.entity, data, 1);
    return { count, maxId: rows[0]?.id ?? null };
  }

  private async markVanished({ vanished, live }: ListingComparison): Promise<void> {
    this.summary.deletionsChecked = true;
    if (vanished.length === 0) return;
    if (this.mode !== 'full' && vanished.length > MAX_STALE_SHARE * live) {
      throw new SyncRefusedError(
        `Refusing to mark ${vanished.length} of ${live} ${this.entity} stale in one run ` +
          `(more than ${MAX_STALE_SHARE * 100}%): is this the same Stash library? Run a full sync (--full) to accept it`,
      );
    }
    this.summary.staleMarked += await this.options.store.markStale(this.entity, vanished);
  }

  /**
   * Fetches rows by id. One missing id fails Stash's whole `ids` query, so a failing batch is
   * split until the rows that vanished since the listing are isolated and skipped; the next
   * listing marks them stale.
   */
  private async fetchByIds(ids: number[], phase: SyncPhase): Promise<void> {
    let done = 0;
    const request = async (batch: number[]) =>
      readRowPage(this.entity, await this.query(DOCUMENTS[this.entity].rows, { ids: batch.map(String) }), batch.length);
    const write = async (batch: number[], page: Page<AnyRow>) => {
      await this.apply(page.rows, {});
      done += batch.length;
      this.progress(phase, done, ids.length);
    };
    const isolate = async (batch: number[]): Promise<void> => {
      if (batch.length === 1) {
        done++;
        return;
      }
      const half = Math.ceil(batch.length / 2);
      for (const part of [batch.slice(0, half), batch.slice(half)]) {
        const page = await request(part).catch((error: unknown) => {
          if (isNotFound(error)) return null;
          throw error;
        });
        if (page) await write(part, page);
        else await isolate(part);
      }
    };
    const batches: number[][] = [];
    for (let i = 0; i < ids.length; i += this.pageSize) batches.push(ids.slice(i, i + this.pageSize));
    let next = batches[0] ? inFlight(request(batches[0])) : null;
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i]!;
      let page: Page<AnyRow> | null;
      try {
        page = await next!;
      } catch (error) {
        if (!isNotFound(error)) throw error;
        page = null;
      }
      next = batches[i + 1] ? inFlight(request(batches[i + 1]!)) : null;
      if (next) await letRequestLeave();
      if (page) await write(batch, page);
      else await isolate(batch);
    }
  }

  private async apply(rows: readonly AnyRow[], state: { watermark?: string | null }) {
    this.summary.fetched += rows.length;
    const files = this.files;
    if (files) {
      for (const row of rows as SceneRow[]) {
        files.seen = laterOf(files.seen, row.filesUpdatedAt);
        files.fetchedIds.add(row.id);
      }
    }
    const filesWatermark = files?.perBatch ? laterOf(files.stored, files.seen) : null;
    this.summary.upserted += await this.options.store.applyPage(this.entity, rows, {
      ...state,
      ...(filesWatermark ? { filesWatermark } : {}),
    });
  }

  private async query(document: string, variables: Record<string, unknown>): Promise<unknown> {
    this.options.signal?.throwIfAborted();
    return this.options.client.query<unknown>(document, variables, this.options.signal);
  }

  private progress(phase: SyncPhase, done: number, total: number): void {
    this.options.onProgress?.({ entity: this.entity, phase, done, total });
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof StashQueryError && /not found/i.test(error.message);
}

/**
 * Runs `work`; if it fails, first waits for what it left running alongside (`pending`: a write, an
 * index build) to end, so that nothing of a stopped sync goes on after it — after its runs are
 * recorded, its search refreshed, its lock released. The error passed on is `work`'s.
 */
async function settledOnFailure<T>(work: () => Promise<T>, pending: () => Promise<unknown> | null): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await pending()?.catch(() => {});
    throw error;
  }
}

/** A request running ahead of its consumer: its failure surfaces where it is awaited, not as unhandled. */
function inFlight<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** One turn of the event loop, so a just-started request is on the wire before synchronous writes. */
function letRequestLeave(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A listing compared with the mirror page by page as it arrives: each page with the mirror's rows
 * from just above the previous page's last id through its own, the rest of the mirror at the end.
 * Only while the ids keep ascending; `ordered` says whether they did.
 */
class PagewiseComparison {
  ordered = true;
  private readonly parts: Promise<ListingComparison>[] = [];
  private last: number | null = null;

  constructor(
    private readonly store: MirrorStore,
    private readonly entity: EntityName,
  ) {}

  add(page: Listing): void {
    if (!this.ordered || page.ids.length === 0) return;
    if (!strictlyIncreasing(page.ids) || (this.last !== null && page.ids[0]! <= this.last)) {
      this.ordered = false;
      return;
    }
    const through = page.ids.at(-1)!;
    this.parts.push(inFlight(this.store.compareWithListing(this.entity, page, { after: this.last, through })));
    this.last = through;
  }

  async result(): Promise<ListingComparison> {
    const rest = this.store.compareWithListing(this.entity, { ids: [], stamps: [] }, { after: this.last, through: null });
    const parts = await Promise.all([...this.parts, rest]);
    return {
      changed: parts.flatMap((p) => p.changed),
      vanished: parts.flatMap((p) => p.vanished),
      live: parts.reduce((n, p) => n + p.live, 0),
    };
  }
}

function strictlyIncreasing(ids: readonly number[]): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i]! <= ids[i - 1]!) return false;
  return true;
}

/** A listing that shifted under offset paging can repeat rows: sort it and keep each id once. */
function sortedUnique(listing: Listing): Listing {
  const order = listing.ids.map((_, i) => i).sort((a, b) => listing.ids[a]! - listing.ids[b]!);
  const result: Listing = { ids: [], stamps: [] };
  for (const i of order) {
    if (result.ids.at(-1) === listing.ids[i]) continue;
    result.ids.push(listing.ids[i]!);
    result.stamps.push(listing.stamps[i]!);
  }
  return result;
}
