/**
 * When a search finds nothing, the search page blames the filters only if there were any: with no
 * words and no filters a search lists the whole mirror, so finding nothing means it holds no markers.
 */
import { describe, expect, it } from 'vitest';
import { initialFilters, narrowsSearch, type Filters } from '../src/renderer/src/stores/search-filters';

const form = (patch: Partial<Filters>): Filters => ({ ...initialFilters(), ...patch });

describe('narrowsSearch', () => {
  it('is false for the untouched form', () => {
    expect(narrowsSearch(initialFilters())).toBe(false);
  });

  it('is false when the text holds no word the search would use', () => {
    expect(narrowsSearch(form({ text: '   ' }))).toBe(false);
    expect(narrowsSearch(form({ text: '—!?' }))).toBe(false);
    // The first keystroke: the search waits for a second character.
    expect(narrowsSearch(form({ text: 'a' }))).toBe(false);
  });

  it('is false when only the order changed', () => {
    expect(narrowsSearch(form({ sort: 'random', direction: 'asc', seed: 42 }))).toBe(false);
  });

  it('is true for words', () => {
    expect(narrowsSearch(form({ text: 'ab' }))).toBe(true);
    // Another script's single letter is searched.
    expect(narrowsSearch(form({ text: '猫' }))).toBe(true);
  });

  it('is true for any filter set, valid yet or not', () => {
    const tag = { id: 1, name: 'Tag', withSubtags: false };
    expect(narrowsSearch(form({ markerTags: { any: [], all: [tag], none: [] } }))).toBe(true);
    expect(narrowsSearch(form({ performers: { any: [], all: [], none: [tag] } }))).toBe(true);
    expect(narrowsSearch(form({ genders: ['FEMALE'] }))).toBe(true);
    expect(narrowsSearch(form({ sceneDateFrom: '2020' }))).toBe(true);
    expect(narrowsSearch(form({ markerSecondsMin: 'abc' }))).toBe(true);
    expect(narrowsSearch(form({ hasEnd: 'no' }))).toBe(true);
  });
});
