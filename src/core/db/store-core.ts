/**
 * What both mirror stores do alike, written once against a StoreDriver: the sync state, counts and
 * dependents, the run log, the search and its refresh, and the typed reads the app makes. Each
 * dialect's store extends this core with the driver and the few operations that really differ
 * (the page upsert, the listing comparison, the lock, the deferred indexes).
 */
import { isErrorKind, type ErrorKind } from '../errors';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import type { AnyRow, EntityName } from '../mirror-rows';
import type { MarkerQuery, MarkerSearchResult } from '../search/query';
import { ENTITY_TABLES } from './mirror-sql';
import {
  buildNextIndex,
  executeSearch,
  MarkerIndexCache,
  refreshSearchIndex,
  type SearchDialect,
  type SearchRefresh,
  type SearchRefreshOptions,
  type SearchStorage,
  type TextDocument,
} from './search-sql';
import {
  MirrorSchemaError,
  type Listing,
  type ListingComparison,
  type ListingRange,
  type MediaMarkerSource,
  type MediaPerformerSource,
  type MirrorStore,
  type NamedUses,
  type PictureCounts,
  type RunOutcome,
  type RunRecord,
  type RunStatus,
  type SyncLock,
  type SyncMode,
  type SyncRunRow,
  type SyncState,
} from './store';
import * as q from './store-sql';

/** Reads with drizzle `sql` statements, each dialect rendering its own placeholders. */
export interface Reader {
  all<T>(query: SQL): Promise<T[]>;
  /** The first column of every row, as a flat list. */
  column<T>(query: SQL): Promise<T[]>;
}

/** What one statement of a write transaction did. */
export interface Written {
  /** Rows changed (or returned, for a statement with RETURNING). */
  changes: number;
  rows: Record<string, unknown>[];
}

/** The dialect's full-text index, beside its word lookups. */
export interface FullTextDriver extends SearchDialect {
  /** Empties the index before it is built from scratch. */
  clear(): Promise<void>;
  /** Adds these rows' words, in one of the sync's write transactions. */
  write(documents: TextDocument[]): Promise<void>;
  /** Merges the index's segments and refreshes planner statistics. */
  optimize(): Promise<void>;
  /** For an index no read-only trigger guards: whether its own consistency check passes. */
  intact?(): Promise<boolean>;
}

/** A dialect's connection as the core uses it. */
export interface StoreDriver extends Reader {
  /** The sync's own reads: on PostgreSQL, on connections a cancel of the sync reaches. */
  readonly syncReads: Reader;
  /** Statements in one of the sync's write transactions, in order. */
  transaction(statements: readonly SQL[]): Promise<Written[]>;
  /** Runs reads in one consistent snapshot of the mirror. */
  snapshot<T>(work: (reader: Reader) => Promise<T>): Promise<T>;
  /** Now, as this dialect stores a timestamp column. */
  now(): q.StoredTime;
  /** A timestamp column as read back. */
  toDate(value: unknown): Date;
  readonly fullText: FullTextDriver;
}

export abstract class MirrorStoreCore<D extends StoreDriver = StoreDriver> implements MirrorStore {
  abstract readonly location: string;
  private readonly searchCache = new MarkerIndexCache();
  /** Rows the current sync's start indexed again (SQLite's repair), reported by its refresh. */
  protected rowsIndexedAtStart = 0;

  protected constructor(protected readonly driver: D) {}

  abstract acquireSyncLock(signal?: AbortSignal): Promise<SyncLock>;

  async readSyncState(entity: EntityName): Promise<SyncState> {
    const [row] = await this.driver.syncReads.all<{ watermark: string | null; files_watermark: string | null }>(q.readState(entity));
    return { watermark: row?.watermark ?? null, filesWatermark: row?.files_watermark ?? null };
  }

  abstract compareWithListing(entity: EntityName, listing: Listing, range?: ListingRange): Promise<ListingComparison>;

  async countLive(entity: EntityName): Promise<number> {
    const [n] = await this.driver.syncReads.column<number>(q.countLive(entity));
    return Number(n ?? 0);
  }

  async findDependents(entity: EntityName): Promise<number[]> {
    const dependents = ENTITY_TABLES[entity].dependentsSql;
    if (!dependents) return [];
    return (await this.driver.syncReads.column<number>(sql.raw(dependents))).map(Number);
  }

  abstract applyPage(entity: EntityName, rows: readonly AnyRow[], state?: Partial<SyncState>): Promise<number>;
  abstract markStale(entity: EntityName, ids: readonly number[]): Promise<number>;

  async startRun(run: RunRecord): Promise<number> {
    await this.beforeRun();
    const [started] = await this.driver.transaction([q.startRun(run, this.driver.now())]);
    return Number(started!.rows[0]!.id);
  }

  /** Work a dialect does before a run starts (SQLite repairs what other connections broke). */
  protected async beforeRun(): Promise<void> {}

  async finishRun(runRowId: number, outcome: RunOutcome): Promise<void> {
    await this.driver.transaction([q.finishRun(runRowId, outcome, this.driver.now())]);
  }

  async recordRunPictures(runId: string, counts: PictureCounts): Promise<void> {
    await this.driver.transaction([q.recordRunPictures(runId, counts)]);
  }

  async closeAbandonedRuns(): Promise<number> {
    const [closed] = await this.driver.transaction([q.closeAbandonedRuns(this.driver.now())]);
    return closed!.changes;
  }

  async listRuns(limit = 50): Promise<SyncRunRow[]> {
    const rows = await this.driver.all<Record<string, unknown>>(q.listRuns(limit));
    return rows.map((r) => ({
      id: Number(r.id),
      runId: r.run_id as string,
      entity: r.entity as EntityName,
      mode: r.mode as SyncMode,
      status: r.status as RunStatus,
      startedAt: this.driver.toDate(r.started_at),
      finishedAt: r.finished_at === null ? null : this.driver.toDate(r.finished_at),
      fetched: Number(r.fetched),
      upserted: Number(r.upserted),
      staleMarked: Number(r.stale_marked),
      error: r.error as string | null,
      errorKind: errorKindFrom(r.error_kind),
      pictures: r.pictures_downloaded === null || r.pictures_downloaded === undefined ? null : picturesFrom(r),
    }));
  }

  async succeededEntities(): Promise<EntityName[]> {
    return this.driver.column<EntityName>(q.SUCCEEDED_ENTITIES);
  }

  abstract deferIndexes(): Promise<boolean>;
  abstract restoreIndexes(entity?: EntityName): Promise<void>;

  async refreshSearchIndex(options: SearchRefreshOptions = { optimize: false }): Promise<SearchRefresh> {
    // The search state's time this sync found: the index of that time may answer the next one.
    const unchangedSince = options.unchanged ? await this.indexedSince() : undefined;
    const refresh = await refreshSearchIndex(this.searchStorage(), options);
    // A build that fails is not kept: the next search builds again and reports the error.
    await buildNextIndex(this.searchStorage(), this.driver.fullText, this.searchCache, unchangedSince).catch(() => {});
    // The sync reports the rows its start re-indexed with those of its end.
    const indexed = refresh.indexed + this.rowsIndexedAtStart;
    this.rowsIndexedAtStart = 0;
    return { ...refresh, indexed };
  }

  async searchMarkers(query: MarkerQuery): Promise<MarkerSearchResult> {
    return executeSearch(this.searchStorage(), query, this.driver.fullText, this.searchCache);
  }

  searchIndexedAt(): Promise<Date | null> {
    return this.indexedSince();
  }

  async suggestionCandidates(kind: keyof typeof q.SUGGESTION_CANDIDATES): Promise<NamedUses[]> {
    const rows = await this.driver.all<{ id: number | string; name: string; uses: number | string }>(q.SUGGESTION_CANDIDATES[kind]);
    return rows.map((row) => ({ id: Number(row.id), name: row.name, uses: Number(row.uses) }));
  }

  async listGenders(): Promise<string[]> {
    return this.driver.column<string>(q.GENDERS);
  }

  async liveNames(entity: 'tags' | 'performers'): Promise<{ id: number; name: string }[]> {
    const rows = await this.driver.all<{ id: number | string; name: string }>(q.liveNames(entity));
    return rows.map((row) => ({ id: Number(row.id), name: row.name }));
  }

  async mediaMarkers(afterId: number | null, limit: number): Promise<MediaMarkerSource[]> {
    const rows = await this.driver.all<{ id: number | string; scene_id: number | string; stash_updated_at: string }>(q.mediaMarkers(afterId, limit));
    return rows.map((r) => ({ id: Number(r.id), sceneId: Number(r.scene_id), stashUpdatedAt: r.stash_updated_at }));
  }

  async mediaPerformers(afterId: number | null, limit: number): Promise<MediaPerformerSource[]> {
    const rows = await this.driver.all<{ id: number | string; image_path: string | null; stash_updated_at: string }>(
      q.mediaPerformers(afterId, limit),
    );
    return rows.map((r) => ({ id: Number(r.id), imagePath: r.image_path, stashUpdatedAt: r.stash_updated_at }));
  }

  async readForTests<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.driver.all<T>(q.withPlaceholders(sql, params));
  }

  abstract close(): Promise<void>;

  /** The search's storage: through `reader` (the driver, or one snapshot of it). */
  protected searchStorage(reader: Reader = this.driver): SearchStorage {
    const { driver } = this;
    return {
      all: (query) => reader.all(query),
      column: (query) => reader.column(query),
      readSnapshot: (work) => driver.snapshot((snapshot) => work(this.searchStorage(snapshot))),
      writeStatements: async (statements) => {
        await driver.transaction(statements);
      },
      clearDocuments: () => driver.fullText.clear(),
      writeDocuments: (documents) => driver.fullText.write(documents),
      indexedSince: () => this.indexedSince(),
      markIndexed: async (at) => {
        await driver.transaction([q.saveMirrorState(q.SEARCH_STATE, null, at as q.StoredTime)]);
      },
      now: () => driver.now(),
      optimize: () => driver.fullText.optimize(),
      unguardedIndexIntact: driver.fullText.intact && (() => driver.fullText.intact!()),
    };
  }

  /** As a Date whichever way the dialect stores it, so nothing above the store sees the difference. */
  private async indexedSince(): Promise<Date | null> {
    const [at] = await this.driver.column<unknown>(q.SEARCH_INDEXED_AT);
    return at === undefined || at === null ? null : this.driver.toDate(at);
  }
}

/** The migrations drizzle's journal in this folder lists, oldest first. */
export function readJournal(migrationsFolder: string): { when: number; tag: string }[] {
  const journalPath = join(migrationsFolder, 'meta', '_journal.json');
  if (!existsSync(journalPath)) throw new MirrorSchemaError(`Mirror migrations not found at ${migrationsFolder}`);
  return (JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { when: number; tag: string }[] }).entries;
}

/** The newest migration this version knows: a database migrated past it is refused. */
export function newestKnownMigration(migrationsFolder: string): number {
  return Math.max(...readJournal(migrationsFolder).map((entry) => entry.when));
}

/** Running against a schema a newer version made could corrupt it. */
export function refuseNewerSchema(newestApplied: number, newestKnown: number, where: string): void {
  if (newestApplied > newestKnown) {
    throw new MirrorSchemaError(
      `The mirror database ${where} was migrated by a newer version of Stash Mirror; update the app or use another database`,
    );
  }
}

function picturesFrom(r: Record<string, unknown>): PictureCounts {
  return {
    downloaded: Number(r.pictures_downloaded),
    alreadyCached: Number(r.pictures_already_cached),
    placeholders: Number(r.pictures_placeholders),
    failed: Number(r.pictures_failed),
    removed: Number(r.pictures_removed),
  };
}

/** A stored kind as the app knows it; a run written before kinds were kept (or by a newer app) reads as 'other'. */
function errorKindFrom(stored: unknown): ErrorKind | null {
  if (stored === null || stored === undefined) return null;
  return isErrorKind(stored) ? stored : 'other';
}
