/**
 * The marker search's working set: every live marker with the few columns filters, sorts, facets
 * and result lists need, held as flat arrays in memory and rebuilt from the mirror after each sync
 * that changed it. Counting facets or walking a sorted order over 200,000 markers takes a few
 * milliseconds here, where the same work in SQL costs hundreds (see docs/benchmarks.md); the
 * databases still do what they do best — the full-text match and the tag closure.
 *
 * Pure data and arithmetic: no SQL, no dialect. Both databases load it with the same statements,
 * so a query gives the same answer on either.
 *
 * This is the public face; the work is in its own modules: the columns (marker-data), the filters
 * (conditions), the words (word-match), the order and page (ordering, random-order), the facets,
 * and the working memory they share (scratch).
 */
import { matchMarkers, queryConditions } from './conditions';
import { countFacets, noFacets } from './facets';
import { markerHit } from './hits';
import { MarkerData } from './marker-data';
import { orderedPage, SortOrders } from './ordering';
import type { MarkerQuery, MarkerSearchResult } from './query';
import { ScratchBuffers } from './scratch';
import type { TextRows, WordHits } from './text-keys';
import { textMatches, textScope } from './word-match';

export { TEXT_KINDS, textKey, wordHitsOf, type TextKind, type TextRows, type WordHits } from './text-keys';
export { orderRange, randomKey, seedMix } from './random-order';

/** Rows as the loader reads them from the mirror (ids are Stash ids). */
export interface MarkerIndexSource {
  /** Every tag, stale ones included (a marker may still point at one). */
  tags: { id: number; name: string; is_stale: boolean | number }[];
  performers: { id: number; name: string; gender: string | null; favorite: boolean | number; is_stale: boolean | number }[];
  /** Every studio, stale ones included. */
  studios: { id: number; name: string; parent_id: number | null; is_stale: boolean | number }[];
  /** Live scenes. */
  scenes: {
    id: number;
    title: string | null;
    basename: string | null;
    date: string | null;
    duration: number | null;
    rating100: number | null;
    organized: boolean | number;
    studio_id: number | null;
  }[];
  /** Live markers of live scenes, ascending by id. */
  markers: {
    id: number;
    title: string;
    scene_id: number;
    primary_tag_id: number;
    seconds: number;
    end_seconds: number | null;
    stash_updated_at: string;
  }[];
  markerTags: { marker_id: number; tag_id: number }[];
  sceneTags: { scene_id: number; tag_id: number }[];
  scenePerformers: { scene_id: number; performer_id: number }[];
  performerTags: { performer_id: number; tag_id: number }[];
  closure: { ancestor_id: number; descendant_id: number }[];
}

/** A table as the loader reads it: one list per column, rows in the same order in each. */
export type Columns<Row> = { [K in keyof Row]-?: Row[K][] };

/** The index's source as columns: what the loader reads (one list per column, no object per row). */
export type MarkerIndexColumns = { [K in keyof MarkerIndexSource]: Columns<MarkerIndexSource[K][number]> };

/** The columns of each table of the source, in the order the loader reads them. */
export const SOURCE_COLUMNS = {
  tags: ['id', 'name', 'is_stale'],
  performers: ['id', 'name', 'gender', 'favorite', 'is_stale'],
  studios: ['id', 'name', 'parent_id', 'is_stale'],
  scenes: ['id', 'title', 'basename', 'date', 'duration', 'rating100', 'organized', 'studio_id'],
  markers: ['id', 'title', 'scene_id', 'primary_tag_id', 'seconds', 'end_seconds', 'stash_updated_at'],
  markerTags: ['marker_id', 'tag_id'],
  sceneTags: ['scene_id', 'tag_id'],
  scenePerformers: ['scene_id', 'performer_id'],
  performerTags: ['performer_id', 'tag_id'],
  closure: ['ancestor_id', 'descendant_id'],
} as const satisfies { [K in keyof MarkerIndexSource]: readonly (keyof MarkerIndexSource[K][number])[] };

/** Rows as columns, for a source written row by row. */
export function columnsOf(source: MarkerIndexSource): MarkerIndexColumns {
  const tables = Object.entries(SOURCE_COLUMNS).map(([table, columns]) => {
    const rows = source[table as keyof MarkerIndexSource] as Record<string, unknown>[];
    return [table, Object.fromEntries(columns.map((column) => [column, rows.map((row) => row[column])]))];
  });
  return Object.fromEntries(tables) as MarkerIndexColumns;
}

function isRows(source: MarkerIndexColumns | MarkerIndexSource): source is MarkerIndexSource {
  return Array.isArray(source.tags);
}

/** A search's answer but its paging, which the caller echoes. */
export type IndexedResult = Omit<MarkerSearchResult, 'page' | 'perPage'>;

export class MarkerIndex {
  readonly size: number;
  private readonly data: MarkerData;
  private readonly orders: SortOrders;
  private readonly scratch: ScratchBuffers;

  /** From the loader's columns, or from rows (a source written by hand). */
  constructor(source: MarkerIndexColumns | MarkerIndexSource) {
    this.data = new MarkerData(isRows(source) ? columnsOf(source) : source);
    this.size = this.data.size;
    this.orders = new SortOrders(this.data);
    this.scratch = new ScratchBuffers({
      markers: this.data.size,
      scenes: this.data.sceneIds.length,
      tags: this.data.tags.length,
      performers: this.data.performers.length,
      studios: this.data.studios.length,
    });
  }

  /**
   * Runs a query. `text` holds, per query word, the rows whose words start with it (from the
   * full-text index, or only among the rows textScope named); absent when the query has no words.
   */
  search(q: MarkerQuery, text?: WordHits[]): IndexedResult {
    return this.withScratch(() => {
      const { data, scratch } = this;
      const words = text && textMatches(data, scratch, text);
      const matched = matchMarkers(data, scratch, queryConditions(data, q), words?.markers);
      const start = (q.page - 1) * q.perPage;
      const page = orderedPage(data, scratch, this.orders, matched, q, words?.scores, start, q.perPage);
      return {
        total: matched.length,
        hits: Array.from(page, (i) => markerHit(data, i)),
        facets: q.facetLimit > 0 ? countFacets(data, scratch, matched, q.facetLimit) : noFacets(),
      };
    });
  }

  /**
   * Computes now the sort orders `previous` had computed (an index this one replaces after a sync),
   * so the first sorted search on this one does not wait for them. Returns their names.
   */
  prepareOrdersOf(previous: MarkerIndex | null): string[] {
    const wanted = previous?.orders.computed() ?? [];
    for (const { sort, direction } of wanted) this.orders.get(sort, direction);
    return this.orders.computed().map(({ sort, direction }) => `${sort} ${direction}`);
  }

  /**
   * The rows whose words decide the query's words when its other conditions leave at most `limit`
   * rows to look at (see word-match.ts); undefined when they leave more.
   */
  textScope(q: MarkerQuery, words: number, limit: number): TextRows | undefined {
    return this.withScratch(() => textScope(this.data, this.scratch, q, words, limit));
  }

  /** The scratch buffers that are not as a search must find them, by name: none between searches. */
  dirtyScratch(): string[] {
    return this.scratch.dirtyParts();
  }

  /** A search that stops midway (a malformed argument) leaves no marks for the next one to trip on. */
  private withScratch<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      this.scratch.reset();
      throw error;
    }
  }
}
