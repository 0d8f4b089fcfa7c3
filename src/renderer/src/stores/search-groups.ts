/**
 * Markers of one scene under one scene header, when the results are sorted by scene (the search
 * keeps a scene's markers together then). The headers are rows of the one virtual list, placed from
 * the pages loaded so far: a header goes before a marker whose scene differs from the one above it,
 * once both are loaded (the first result always starts a scene).
 */
import type { MarkerHit } from '../../../shared/search-query';
import type { Sort } from './search-filters';

/** Sorts whose order keeps a scene's markers together. */
export const groupsByScene = (sort: Sort): boolean => sort === 'sceneDate' || sort === 'sceneTitle';

export type ListRow = { kind: 'header'; marker: number } | { kind: 'marker'; marker: number };

export interface SceneRows {
  /** Rows in the list: every marker, and the headers known so far. */
  count: number;
  rowAt(row: number): ListRow;
  /** The row of the marker at `index`. */
  rowOfMarker(index: number): number;
  /** Whether a header stands right above the marker at `index`. */
  startsScene(index: number): boolean;
}

/** One row per marker: the list as it is without grouping. */
export function plainRows(total: number): SceneRows {
  return { count: total, rowAt: (row) => ({ kind: 'marker', marker: row }), rowOfMarker: (index) => index, startsScene: () => false };
}

/** The rows of `total` markers grouped by scene, from the pages loaded (`hitAt` gives undefined for the others). */
export function sceneRows(total: number, loadedIndexes: Iterable<number>, hitAt: (index: number) => MarkerHit | undefined): SceneRows {
  // The markers a header stands above, ascending.
  const starts: number[] = [];
  for (const index of loadedIndexes) {
    if (index >= total) continue;
    const previous = index === 0 ? undefined : hitAt(index - 1);
    if (index === 0 || (previous && previous.scene.id !== hitAt(index)!.scene.id)) starts.push(index);
  }
  starts.sort((a, b) => a - b);
  const startSet = new Set(starts);
  /** How many of `starts` are at most `index`. */
  const headersUpTo = (index: number) => {
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (starts[middle]! <= index) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return {
    count: total + starts.length,
    rowOfMarker: (index) => index + headersUpTo(index),
    startsScene: (index) => startSet.has(index),
    rowAt: (row) => {
      // The header of starts[j] is at row starts[j] + j: find the last header at or above `row`.
      let low = 0;
      let high = starts.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (starts[middle]! + middle <= row) low = middle + 1;
        else high = middle;
      }
      const above = low; // headers at rows <= row
      if (above > 0 && starts[above - 1]! + above - 1 === row) return { kind: 'header', marker: starts[above - 1]! };
      return { kind: 'marker', marker: row - above };
    },
  };
}
