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
    expect(narrowsSearch(form({ studios: { any: [tag], all: [], none: [] } }))).toBe(true);
    expect(narrowsSearch(form({ performerTags: { any: [], all: [], none: [tag] } }))).toBe(true);
    expect(narrowsSearch(form({ favoritePerformersOnly: true }))).toBe(true);
    expect(narrowsSearch(form({ performerCountMax: '2' }))).toBe(true);
    expect(narrowsSearch(form({ sceneRatingMin: '60' }))).toBe(true);
    expect(narrowsSearch(form({ sceneOrganized: 'yes' }))).toBe(true);
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

  it('asks for the studios, a studio with its child studios, and the performer tags with their sub-tags', () => {
    const { query } = buildQuery(
      form({
        studios: { any: [{ id: 4, name: 'North', withSubtags: true }], all: [], none: [{ id: 9, name: 'South', withSubtags: false }] },
        performerTags: { any: [], all: [{ id: 2, name: 'Blonde', withSubtags: true }], none: [] },
      }),
    );
    expect(query.studios).toEqual({ any: [{ id: 4, withChildren: true }], none: [{ id: 9, withChildren: false }] });
    expect(query.performerTags).toEqual({ all: [{ id: 2, withSubtags: true }] });
  });

  it('asks for favourites, the number of performers, the rating and the organized flag only when set', () => {
    expect(buildQuery(initialFilters()).query).toMatchObject({
      favoritePerformersOnly: undefined,
      performerCount: undefined,
      sceneRating: undefined,
      sceneOrganized: undefined,
    });
    const { query, errors } = buildQuery(
      form({ favoritePerformersOnly: true, performerCountMin: '2', sceneRatingMin: '60', sceneRatingMax: '100', sceneOrganized: 'no' }),
    );
    expect(errors).toEqual({});
    expect(query).toMatchObject({
      favoritePerformersOnly: true,
      performerCount: { min: 2, max: undefined },
      sceneRating: { min: 60, max: 100 },
      sceneOrganized: false,
    });
    expect(buildQuery(form({ sceneOrganized: 'yes' })).query.sceneOrganized).toBe(true);
  });

  it('takes whole numbers of performers and ratings from 0 to 100 only', () => {
    const { query, errors } = buildQuery(form({ performerCountMax: '1.5', sceneRatingMin: '120', sceneRatingMax: '80' }));
    expect(errors).toEqual({ performerCountMax: 'Enter a whole number, 0 or more', sceneRatingMin: 'Enter a whole number from 0 to 100' });
    expect(query.performerCount).toBeUndefined();
    expect(query.sceneRating).toEqual({ min: undefined, max: 80 });
    expect(buildQuery(form({ sceneRatingMin: '90', sceneRatingMax: '80' })).errors).toEqual({ sceneRatingMax: 'Below the minimum' });
  });
});
