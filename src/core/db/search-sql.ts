/**
 * Marker search over the mirror, shared by both databases: the statements that load the search's
 * in-memory working set (src/core/search/marker-index.ts), find the rows a query word starts a word
 * of, and read the strings a page of hits shows; and keeping the search's own tables current — the
 * tag closure and the full-text index. Each store supplies the few fragments that differ.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AnyRow, EntityName } from '../mirror-rows';
import {
  MarkerIndex,
  SOURCE_COLUMNS,
  TEXT_KINDS,
  textKey,
  wordHitsOf,
  type MarkerIndexColumns,
  type MarkerIndexSource,
  type TextKind,
  type TextRows,
  type WordHits,
} from '../search/marker-index';
import type { MarkerQuery, MarkerSearchResult } from '../search/query';
import { searchDocument, searchWords } from '../search/text';
import { searchStateVersion, VersionedCache } from '../search/versioned-cache';
import { ENTITY_TABLES, type PageColumns } from './mirror-sql';
import { MIRROR_ENTITIES, type EntityDeclaration } from './mirror-tables';
import type { MirrorRecords } from './mirror-types';

export interface SearchDialect {
  /**
   * The text keys (textKey) of the indexed rows with a word that starts with `word` (already
   * normalized), as one comma-separated text: one row, one column, null for none.
   */
  wordHits(word: string): SQL;
  /**
   * The same among the rows with these text keys only, where the database answers that faster
   * than the whole word; a dialect without it always looks words up whole.
   */
  wordHitsAmong?(word: string, keys: number[]): SQL;
  /**
   * The aggregate that gathers a column of every row into one JSON array (over no rows it may
   * give null): the index is read a column at a time, with no object per row.
   */
  columnArray(column: string): string;
}

// --- Keeping the search current -----------------------------------------------------------------

/**
 * Every (ancestor, descendant) pair of live tags; UNION (not UNION ALL) makes cycles terminate. The
 * walk stops at a stale tag, even one the mirror still lists edges for: Stash drops a deleted tag's
 * edges, so its children are no longer below its parents, and the closure is the same before and
 * after the sync re-reads the deleted tag's neighbours.
 */
export const REBUILD_TAG_CLOSURE = [
  sql`DELETE FROM stash_tag_closure`,
  sql`WITH RECURSIVE closure(ancestor_id, descendant_id) AS (
      SELECT id, id FROM stash_tags WHERE NOT is_stale
      UNION
      SELECT closure.ancestor_id, e.child_id FROM closure
        JOIN stash_tag_parents e ON e.parent_id = closure.descendant_id
        JOIN stash_tags t ON t.id = e.child_id AND NOT t.is_stale
    )
    INSERT INTO stash_tag_closure (ancestor_id, descendant_id) SELECT ancestor_id, descendant_id FROM closure`,
];

/**
 * What the full-text index holds: the words of every marker title, scene (title, details and file basename), tag
 * and performer name, each row once. A marker's text is the union of its own and its tags', scene's
 * and performers' rows, put together at query time — so a scene edit re-indexes one row, not every
 * marker of the scene. Stale rows stay indexed like they stay in the mirror; the search drops them.
 *
 * Each page the sync writes replaces its rows' words in the same transaction (textDocumentsOf), so
 * the index never disagrees with the mirror and is built while the sync still waits on Stash; a
 * whole rebuild (refreshSearchIndex) is only for a mirror written before the index existed.
 */
/** Studios have no words of their own in the index (their names are matched by the studio filter). */
export const TEXT_SOURCES: Partial<Record<EntityName, TextSource>> = {
  markers: textSource('markers', 'marker'),
  scenes: textSource('scenes', 'scene'),
  tags: textSource('tags', 'tag'),
  performers: textSource('performers', 'performer'),
};

interface TextSource {
  kind: TextKind;
  /** The declared names of the columns whose words are indexed: the sync's row fields. */
  fields: string[];
  /** Their SQL names, in the same order. */
  columns: string[];
}

/** The columns an entity's declaration (mirror-tables.ts) marks as words to index. */
function textSource(entity: EntityName, kind: TextKind): TextSource {
  const declaration: EntityDeclaration = MIRROR_ENTITIES[entity];
  return { kind, fields: [...declaration.words], columns: declaration.words.map((field) => declaration.rowColumns[field]!.sqlName) };
}

export interface TextDocument {
  kind: TextKind;
  id: number;
  words: string;
}

/** The words of rows the sync is about to write, or of mirror rows. */
export function textDocumentsOf(entity: EntityName, rows: readonly (AnyRow | Record<string, unknown>)[]): TextDocument[] {
  const records = rows as readonly (Record<string, unknown> & { id: number })[];
  return documents(
    entity,
    rows.length,
    (i) => records[i]!.id,
    (field, i) => records[i]![field],
  );
}

/** The words of a page in columns. */
export function textDocumentsOfPage(entity: EntityName, page: PageColumns): TextDocument[] {
  const byField = Object.fromEntries(ENTITY_TABLES[entity].columns.map((c, k) => [c.field, page.values[k]!]));
  return documents(
    entity,
    page.ids.length,
    (i) => page.ids[i]!,
    (field, i) => byField[field]![i],
  );
}

function documents(entity: EntityName, count: number, idOf: (i: number) => number, valueOf: (field: string, i: number) => unknown): TextDocument[] {
  const source = TEXT_SOURCES[entity];
  if (!source) return [];
  const { kind, fields } = source;
  return Array.from({ length: count }, (_, i) => ({
    kind,
    id: idOf(i),
    words: searchDocument(...fields.map((field) => valueOf(field, i) as string | null)),
  }));
}

/** A batch of mirror rows to index, in id order after `after`, their columns named as the sync's rows name them. */
function textRows(entity: EntityName, after: number, limit: number): SQL {
  const { fields, columns } = TEXT_SOURCES[entity]!;
  const list = columns.map((column, k) => `${column} AS "${fields[k]}"`).join(', ');
  return sql`SELECT id, ${sql.raw(list)} FROM ${sql.raw(ENTITY_TABLES[entity].table)} WHERE id > ${after} ORDER BY id LIMIT ${limit}`;
}

/** Whether every mirror row has its words in the index: true for any mirror the sync has written since. */
const TEXT_INDEX_COUNTS = sql.raw(`SELECT
  (SELECT count(*) FROM stash_text_search) AS indexed,
  ${Object.keys(TEXT_SOURCES)
    .map((entity) => `(SELECT count(*) FROM ${ENTITY_TABLES[entity as EntityName].table})`)
    .join(' + ')} AS mirrored`);

/** What a store provides so the shared refresh and search can run on it. */
export interface SearchStorage {
  all<T>(query: SQL): Promise<T[]>;
  /** Runs reads in one consistent snapshot of the mirror. */
  readSnapshot<T>(work: (snapshot: SearchStorage) => Promise<T>): Promise<T>;
  /** The first column of every row, as a flat list. */
  column<T>(query: SQL): Promise<T[]>;
  /** Statements in one of the sync's write transactions. */
  writeStatements(statements: SQL[]): Promise<void>;
  /** Adds the words of these rows to the index, emptied first. */
  writeDocuments(documents: TextDocument[]): Promise<void>;
  /** Empties the index before it is built from scratch. */
  clearDocuments(): Promise<void>;
  /** When the index was last brought up to date, as the store writes synced_at; null if never. */
  indexedSince(): Promise<Date | null>;
  markIndexed(at: unknown): Promise<void>;
  /** The current time as the store writes synced_at. */
  now(): unknown;
  /** After a large re-index: merge the full-text index's segments, refresh planner statistics. */
  optimize(): Promise<void>;
  /**
   * For an index no read-only trigger guards (SQLite's virtual table): whether its own consistency
   * check passes (repairUnguardedTextIndex).
   */
  unguardedIndexIntact?(): Promise<boolean>;
}

const INDEX_BATCH = 5000;
/** Re-indexing more rows than this in one run is followed by optimize(). */
const OPTIMIZE_AFTER = 20_000;

export interface SearchRefreshOptions {
  optimize: boolean;
  /**
   * The sync wrote no row and found no run that stopped without its refresh, so the mirror is as
   * the search state's time left it: the process's index answers the new time without a rebuild.
   */
  unchanged?: boolean;
}

export interface SearchRefresh {
  /** Rows whose words had to be indexed whole (only for a mirror written before the index existed). */
  indexed: number;
  /** Whether the full-text index was merged and planner statistics refreshed. */
  optimized: boolean;
}

/**
 * The sync's last step: rebuilds the tag closure and marks the search current, which tells every
 * process's search to reload. Builds the full-text index whole only when mirror rows lack their
 * words (a mirror written before the index existed); pages keep it current otherwise. After a
 * large sync (`optimize`) or a large rebuild, merges the index and refreshes planner statistics.
 */
export async function refreshSearchIndex(storage: SearchStorage, options: SearchRefreshOptions): Promise<SearchRefresh> {
  const startedAt = storage.now();
  await storage.writeStatements(REBUILD_TAG_CLOSURE);
  let indexed = 0;
  if ((await storage.indexedSince()) === null && !(await textIndexComplete(storage))) indexed = await rebuildTextIndex(storage);
  const optimized = options.optimize || indexed > OPTIMIZE_AFTER;
  if (optimized) await storage.optimize();
  await storage.markIndexed(startedAt);
  return { indexed, optimized };
}

/**
 * For an index no read-only trigger guards (SQLite's virtual table), at the start of every sync,
 * before pages write to it: one emptied, short of rows or damaged by hand is built again whole.
 * PostgreSQL's table is guarded like the mirror's, so only a mirror older than it lacks words.
 * Returns how many rows were indexed (0 for an intact index).
 */
export async function repairUnguardedTextIndex(storage: SearchStorage): Promise<number> {
  if ((await textIndexComplete(storage)) && ((await storage.unguardedIndexIntact?.()) ?? true)) return 0;
  return rebuildTextIndex(storage);
}

/** Whether the index holds one row per mirror row of the four indexed tables, stale ones included. */
async function textIndexComplete(storage: SearchStorage): Promise<boolean> {
  const [counts] = await storage.all<{ indexed: number | string; mirrored: number | string }>(TEXT_INDEX_COUNTS);
  return Number(counts?.indexed) === Number(counts?.mirrored);
}

async function rebuildTextIndex(storage: SearchStorage): Promise<number> {
  await storage.clearDocuments();
  let indexed = 0;
  for (const entity of Object.keys(TEXT_SOURCES) as EntityName[]) {
    for (let after = -1; ;) {
      const rows = await storage.all<Record<string, unknown> & { id: number }>(textRows(entity, after, INDEX_BATCH));
      if (rows.length === 0) break;
      await storage.writeDocuments(textDocumentsOf(entity, rows));
      indexed += rows.length;
      after = rows[rows.length - 1]!.id;
    }
  }
  return indexed;
}

// --- Searching ----------------------------------------------------------------------------------

/** A SELECT of declared columns of a mirror table, typed as the declaration says they read back. */
export interface IndexQuery<Row> {
  table: keyof MirrorRecords;
  columns: readonly string[];
  /** The rows, one column each. */
  query: SQL;
  /** The same rows as one row of columns (see SearchDialect.columnArray). */
  columnsQuery(d: SearchDialect): SQL;
  /** Only in the type: the rows it returns. */
  readonly row?: Row;
}

function indexQuery<T extends keyof MirrorRecords, const C extends readonly (keyof MirrorRecords[T] & string)[]>(
  table: T,
  columns: C,
  rest = '',
): IndexQuery<Pick<MirrorRecords[T], C[number]>> {
  const rows = `SELECT ${columns.join(', ')} FROM ${table}${rest && ` ${rest}`}`;
  return {
    table,
    columns,
    query: sql.raw(rows),
    columnsQuery: (d) => sql.raw(`SELECT ${columns.map((c) => `${d.columnArray(c)} AS ${c}`).join(', ')} FROM (${rows}) AS source_rows`),
  };
}

/**
 * Everything the in-memory index is built from, read in one snapshot. The compiler holds each
 * column list to the declaration and to what the index reads from its rows (MarkerIndexSource).
 */
export const INDEX_SOURCE = {
  tags: indexQuery('stash_tags', SOURCE_COLUMNS.tags),
  performers: indexQuery('stash_performers', SOURCE_COLUMNS.performers),
  studios: indexQuery('stash_studios', SOURCE_COLUMNS.studios),
  scenes: indexQuery('stash_scenes', SOURCE_COLUMNS.scenes, 'WHERE NOT is_stale ORDER BY id'),
  markers: indexQuery('stash_scene_markers', SOURCE_COLUMNS.markers, 'WHERE NOT is_stale ORDER BY id'),
  markerTags: indexQuery('stash_scene_marker_tags', SOURCE_COLUMNS.markerTags),
  sceneTags: indexQuery('stash_scene_tags', SOURCE_COLUMNS.sceneTags),
  scenePerformers: indexQuery('stash_scene_performers', SOURCE_COLUMNS.scenePerformers),
  performerTags: indexQuery('stash_performer_tags', SOURCE_COLUMNS.performerTags),
  closure: indexQuery('stash_tag_closure', SOURCE_COLUMNS.closure),
} satisfies { [K in keyof MarkerIndexSource]: IndexQuery<MarkerIndexSource[K][number]> };

/**
 * The index a store keeps between searches. It is rebuilt when the search state's time changes,
 * which every sync's last step (refreshSearchIndex) moves: searches see the mirror as the last
 * sync left it, whichever process ran that sync. The process that ran the sync builds it before
 * the sync ends (buildNextIndex), so its next search does not wait.
 */
export class MarkerIndexCache extends VersionedCache<MarkerIndex> {}

/** The index, from one snapshot of the mirror. */
async function loadMarkerIndex(source: SearchStorage, d: SearchDialect): Promise<MarkerIndex> {
  const parts = await source.readSnapshot(async (snapshot) => {
    const read: Record<string, Record<string, unknown[]>> = {};
    for (const [name, part] of Object.entries(INDEX_SOURCE)) {
      const [row] = await snapshot.all<Record<string, unknown>>(part.columnsQuery(d));
      // SQLite hands JSON over as text, PostgreSQL's client parses it; each text is let go once
      // parsed, so at most one column's text is held beside the columns read.
      const column = (c: string) => {
        const value = row?.[c];
        if (row) row[c] = null;
        return typeof value === 'string' ? (JSON.parse(value) as unknown[]) : ((value as unknown[] | null) ?? []);
      };
      read[name] = Object.fromEntries(part.columns.map((c) => [c, column(c)]));
    }
    return read as unknown as MarkerIndexColumns;
  });
  // Searches that arrived during the reads run first (on the previous index, while a sync ends):
  // SQLite's reads hold its thread, so they could not run before.
  await new Promise((resume) => setImmediate(resume));
  return new MarkerIndex(parts);
}

/**
 * A sync's end, in the process that ran it, once the search state's time has moved: builds the
 * index of the mirror as this sync left it — if this store has searched, a process that does not
 * search builds none — with the sort orders the previous one had computed, while searches
 * meanwhile get the previous one. Still under the sync's lock, so no other sync writes before the
 * snapshot is read. Given `unchangedSince`, the search state's time before this sync, which
 * changed nothing: the index of that time, if it is the one held, is kept for the new time.
 */
export async function buildNextIndex(source: SearchStorage, d: SearchDialect, cache: MarkerIndexCache, unchangedSince?: Date | null): Promise<void> {
  const version = searchStateVersion(await source.indexedSince());
  if (unchangedSince !== undefined && cache.carryForward(searchStateVersion(unchangedSince), version)) return;
  await cache.refresh(version, async (previous) => {
    const index = await loadMarkerIndex(source, d);
    // The sorts its searches used: their orders are ready too.
    index.prepareOrdersOf(previous);
    return index;
  });
}

/**
 * When a query's other conditions leave at most this many rows whose words matter, its words are
 * looked up among those rows only: a few hundred primary-key probes take well under a millisecond,
 * where a common word's whole list of rows takes several.
 */
const SCOPED_WORDS_MAX_ROWS = 1000;

async function wordHits(source: SearchStorage, words: string[], d: SearchDialect, scope: TextRows | undefined): Promise<WordHits[]> {
  const keys = scope && TEXT_KINDS.flatMap((kind) => scope[kind].map((id) => textKey(kind, id)));
  const lookup = (word: string) => (keys && d.wordHitsAmong ? d.wordHitsAmong(word, keys) : d.wordHits(word));
  return Promise.all(words.map(async (word) => wordHitsOf((await source.column<string | null>(lookup(word)))[0] ?? null)));
}

/**
 * Runs a search: the page, its total and its facets, all from the in-memory index — one snapshot
 * of the mirror — with the query's words from the database's full-text index, read when the search
 * runs and so outside that snapshot (see docs/search.md, "The page").
 */
export async function executeSearch(source: SearchStorage, q: MarkerQuery, d: SearchDialect, cache: MarkerIndexCache): Promise<MarkerSearchResult> {
  const words = searchWords(q.text);
  const index = await cache.get(searchStateVersion(await source.indexedSince()), () => loadMarkerIndex(source, d));
  const scope = words.length && d.wordHitsAmong ? index.textScope(q, words.length, SCOPED_WORDS_MAX_ROWS) : undefined;
  const hits = words.length ? await wordHits(source, words, d, scope) : undefined;
  return { ...index.search(q, hits), page: q.page, perPage: q.perPage };
}
