/**
 * The one door to the mirror database. The sync engine (and later the search) talk to this
 * interface only; which SQL dialect sits behind it is decided in openMirrorStore and nowhere else.
 */
import type { ErrorKind } from '../errors';
import type { AnyRow, EntityName } from '../mirror-rows';
import type { MarkerQuery, MarkerSearchResult } from '../search/query';
import type { SearchRefresh, SearchRefreshOptions } from './search-sql';

export type SyncMode = 'incremental' | 'full';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface SyncState {
  /** Highest Stash updated_at string seen by the change query. */
  watermark: string | null;
  /** Scenes only: highest file updated_at seen (rescans bump files, not scenes). */
  filesWatermark: string | null;
}

/** Stash's ids with their updated_at strings, ascending by id and without duplicates. */
export interface Listing {
  ids: number[];
  stamps: string[];
}

/**
 * The ids a piece of a listing stands for: after < id <= through, null for no bound. The listing's
 * pages arrive in id order, so each can be compared with its slice of the mirror as it comes.
 */
export interface ListingRange {
  after: number | null;
  through: number | null;
}

export const WHOLE_LISTING: ListingRange = { after: null, through: null };

/** How the mirror differs from a listing of Stash (within the range compared). */
export interface ListingComparison {
  /** Listed rows the mirror lacks, holds as stale, or holds with another updated_at. */
  changed: number[];
  /** Live mirror rows the listing lacks. */
  vanished: number[];
  /** Live mirror rows in all. */
  live: number;
}

export interface RunRecord {
  runId: string;
  entity: EntityName;
  mode: SyncMode;
}

export interface RunOutcome {
  status: Exclude<RunStatus, 'running'>;
  fetched: number;
  upserted: number;
  staleMarked: number;
  error: string | null;
  /** What kind of failure `error` is; null when it succeeded. */
  errorKind: ErrorKind | null;
}

/** What the picture step after a sync did, as History keeps it for the run. */
export interface PictureCounts {
  downloaded: number;
  alreadyCached: number;
  /** Stash's "not generated" answers. */
  placeholders: number;
  failed: number;
  /** Pictures of markers and performers gone from the mirror, deleted from the cache. */
  removed: number;
}

export interface SyncRunRow extends RunRecord, Omit<RunOutcome, 'status'> {
  id: number;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  /** The picture step after this run's sync; null when none ran. */
  pictures: PictureCounts | null;
}

/** Held while a sync runs; released when it ends, or by the OS when the process dies. */
export interface SyncLock {
  release(): Promise<void>;
}

export class SyncAlreadyRunningError extends Error {
  override name = 'SyncAlreadyRunningError';
  readonly kind: ErrorKind = 'busy';
  constructor(where: string) {
    super(`A sync is already running on ${where}`);
  }
}

export class MirrorSchemaError extends Error {
  override name = 'MirrorSchemaError';
  readonly kind: ErrorKind = 'schema';
}

/** The database server cannot be reached or refuses us (PostgreSQL). */
export class MirrorConnectionError extends Error {
  override name = 'MirrorConnectionError';
  readonly kind: ErrorKind = 'database';
}

/** A live tag or performer with how often it is used: markers per tag, scenes per performer. */
export interface NamedUses {
  id: number;
  name: string;
  uses: number;
}

/** What the media step needs of the mirror: each picture's owner and the version Stash stamps on it. */
export interface MediaMarkerSource {
  id: number;
  sceneId: number;
  stashUpdatedAt: string;
}

export interface MediaPerformerSource {
  id: number;
  imagePath: string | null;
  stashUpdatedAt: string;
}

export interface MirrorStore {
  /** Where the mirror lives, safe to print (no password). */
  readonly location: string;

  /**
   * Fails fast with SyncAlreadyRunningError when another sync holds it, in any process. While it is
   * held, `signal` aborting cancels the sync's statements running then (PostgreSQL: a lock wait or
   * a long statement); SQLite's statements are short and end on their own.
   */
  acquireSyncLock(signal?: AbortSignal): Promise<SyncLock>;

  readSyncState(entity: EntityName): Promise<SyncState>;
  /**
   * Merges the listing with the mirror's rows in id order. With a range, only the mirror's rows in
   * it are compared, and the listing must hold only ids in it: the sync compares each page of a
   * listing while the next is fetched.
   */
  compareWithListing(entity: EntityName, listing: Listing, range?: ListingRange): Promise<ListingComparison>;
  countLive(entity: EntityName): Promise<number>;
  /**
   * Live rows whose relations point at stale rows: Stash drops such relations (merges, cascaded
   * deletes) without bumping updated_at, so these must be fetched again.
   */
  findDependents(entity: EntityName): Promise<number[]>;

  /**
   * Upserts a page of rows, replaces each row's join rows, and saves the state patch — all in one
   * transaction, so a crash leaves either the whole page or none of it. A row given twice is
   * written as its last copy (latestCopies). Returns how many distinct rows were written.
   */
  applyPage(entity: EntityName, rows: readonly AnyRow[], state?: Partial<SyncState>): Promise<number>;
  /** Marks the ids stale in one transaction; returns how many changed. */
  markStale(entity: EntityName, ids: readonly number[]): Promise<number>;

  startRun(run: RunRecord): Promise<number>;
  finishRun(runRowId: number, outcome: RunOutcome): Promise<void>;
  /** Records on each of the run's rows what the picture step after its sync did. */
  recordRunPictures(runId: string, counts: PictureCounts): Promise<void>;
  /** Runs left 'running' by a process that died are marked 'interrupted'. Call with the lock held. */
  closeAbandonedRuns(): Promise<number>;
  listRuns(limit?: number): Promise<SyncRunRow[]>;
  /** The entities with a succeeded run anywhere in the log, however long ago. */
  succeededEntities(): Promise<EntityName[]>;

  /**
   * Before a first sync into an empty mirror: drops the mirror tables' secondary indexes, which
   * restoreIndexes builds back whole afterwards — cheaper than maintaining them row by row. If the
   * sync dies before that, the next open of the mirror restores them. True when it dropped any.
   */
  deferIndexes(): Promise<boolean>;
  /**
   * Builds back what deferIndexes dropped: of one entity's tables (its rows' and its join rows')
   * when named, so they are built while the sync goes on fetching; of every table otherwise,
   * which ends the deferral. Nothing when nothing was dropped.
   */
  restoreIndexes(entity?: EntityName): Promise<void>;

  /**
   * Rebuilds the tag closure and marks the search current (pages index their own words). The sync
   * calls it last, asking to `optimize` (merge the full-text index, refresh planner statistics)
   * after writing many rows. A process that searches has its next in-memory index ready when it
   * returns: built anew, or the current one kept when the sync changed nothing (`unchanged`).
   */
  refreshSearchIndex(options?: SearchRefreshOptions): Promise<SearchRefresh>;
  /** Marker search over live rows, in one consistent snapshot (hits carry no Stash URLs). */
  searchMarkers(query: MarkerQuery): Promise<MarkerSearchResult>;

  /** When the last sync brought the search up to date (its state moves then), null before any. */
  searchIndexedAt(): Promise<Date | null>;
  /** Live tags, performers or studios with their use counts (markers, scenes, scenes), for name suggestions. */
  suggestionCandidates(kind: 'tags' | 'performers' | 'studios'): Promise<NamedUses[]>;
  /** The genders of live performers, ascending. */
  listGenders(): Promise<string[]>;
  /** Live tags or performers, ascending by id. */
  liveNames(entity: 'tags' | 'performers'): Promise<{ id: number; name: string }[]>;

  /**
   * The live markers and performers whose pictures the media cache keeps: one page of them, ascending
   * by id, after `afterId` (null: from the first). The media step reads them page by page, so a
   * library of a million markers is never one array.
   */
  mediaMarkers(afterId: number | null, limit: number): Promise<MediaMarkerSource[]>;
  mediaPerformers(afterId: number | null, limit: number): Promise<MediaPerformerSource[]>;

  /** A read-only query with `?` placeholders: for tests and diagnostics only, never for product code. */
  readForTests<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;

  close(): Promise<void>;
}
