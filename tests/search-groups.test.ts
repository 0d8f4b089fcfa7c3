/**
 * The list sorted by scene: one header row above each scene's markers, placed from the pages
 * loaded so far, and the row arithmetic the virtual list and the keyboard use both ways.
 */
import { describe, expect, it } from 'vitest';
import type { MarkerHit } from '../src/shared/search-query';
import { groupsByScene, sceneRows } from '../src/renderer/src/stores/search-groups';

const hitOfScene = (scene: number) => ({ scene: { id: scene } }) as MarkerHit;

function rowsOf(scenes: (number | undefined)[]) {
  const loaded = scenes.flatMap((scene, index) => (scene === undefined ? [] : [index]));
  return sceneRows(scenes.length, loaded, (index) => (scenes[index] === undefined ? undefined : hitOfScene(scenes[index])));
}

describe('sceneRows', () => {
  it('puts a header above the first marker of each scene', () => {
    const rows = rowsOf([1, 1, 2, 3, 3, 3]);
    expect(rows.count).toBe(9);
    expect(Array.from({ length: rows.count }, (_, row) => rows.rowAt(row))).toEqual([
      { kind: 'header', marker: 0 },
      { kind: 'marker', marker: 0 },
      { kind: 'marker', marker: 1 },
      { kind: 'header', marker: 2 },
      { kind: 'marker', marker: 2 },
      { kind: 'header', marker: 3 },
      { kind: 'marker', marker: 3 },
      { kind: 'marker', marker: 4 },
      { kind: 'marker', marker: 5 },
    ]);
    expect([0, 1, 2, 3, 4, 5].map(rows.rowOfMarker)).toEqual([1, 2, 4, 6, 7, 8]);
    expect([0, 1, 2, 3].map(rows.startsScene)).toEqual([true, false, true, true]);
  });

  it('places no header where the marker above is not loaded yet', () => {
    // Markers 2 and 3 are on a page still loading: the scene change at 4 is not known.
    const rows = rowsOf([1, 1, undefined, undefined, 2, 2]);
    expect(rows.count).toBe(7);
    expect(rows.rowOfMarker(4)).toBe(5);
    expect(rows.rowAt(3)).toEqual({ kind: 'marker', marker: 2 });
  });

  it('maps every row back to the marker it came from', () => {
    const rows = rowsOf([5, 6, 6, 7, 8, 8, 8, 9]);
    for (let index = 0; index < 8; index++) expect(rows.rowAt(rows.rowOfMarker(index))).toEqual({ kind: 'marker', marker: index });
  });
});

describe('groupsByScene', () => {
  it('groups only the sorts that keep a scene together', () => {
    expect(groupsByScene('sceneDate')).toBe(true);
    expect(groupsByScene('sceneTitle')).toBe(true);
    expect(groupsByScene('relevance')).toBe(false);
    expect(groupsByScene('position')).toBe(false);
  });
});
