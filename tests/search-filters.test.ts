/**
 * The search form's rules. A field not valid yet is left out of the query and reported, so the rest
 * of the search keeps working while the user types. And when a search finds nothing, the page blames
 * the filters only if there were any: with no words and no filters a search lists the whole mirror,
 * so finding nothing means it holds no markers.
 */
import { describe, expect, it } from 'vitest';
import { buildQuery, initialFilters, narrowsSearch, type Filters } from '../src/renderer/src/stores/search-filters';

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

describe('buildQuery', () => {
  it("turns minutes and seconds into the query's seconds", () => {
    const { query, errors } = buildQuery(form({ sceneMinutesMin: '2', markerSecondsMax: '30' }));
    expect(errors).toEqual({});
    expect(query.sceneDuration).toEqual({ min: 120, max: undefined });
    expect(query.markerLength).toEqual({ min: undefined, max: 30 });
  });

  it('leaves out a maximum below its minimum, which could only find nothing, and says why', () => {
    const { query, errors } = buildQuery(form({ markerSecondsMin: '60', markerSecondsMax: '30' }));
    expect(errors).toEqual({ markerSecondsMax: 'Below the minimum' });
    expect(query.markerLength).toEqual({ min: 60, max: undefined });
  });

  it('leaves out a number or a date it cannot read, keeping the other bound', () => {
    const { query, errors } = buildQuery(form({ sceneMinutesMax: '-1', sceneDateFrom: '2020', sceneDateTo: '2020-02-30' }));
    expect(errors).toEqual({ sceneMinutesMax: 'Enter a number, 0 or more', sceneDateTo: 'No such date' });
    expect(query.sceneDuration).toBeUndefined();
    expect(query.sceneDate).toEqual({ from: '2020' });
  });

  it('tells a date written wrongly from a date that does not exist', () => {
    expect(buildQuery(form({ sceneDateFrom: '21-02-03', sceneDateTo: '2021-13' })).errors).toEqual({
      sceneDateFrom: 'Use YYYY, YYYY-MM or YYYY-MM-DD',
      sceneDateTo: 'No such date',
    });
  });
});
