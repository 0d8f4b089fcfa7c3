/**
 * The search form in the address: written short and readable, read back to the same form, and a
 * hand-edited or stale address read as far as it makes sense, never thrown on.
 */
import { describe, expect, it } from 'vitest';
import { filtersOfSearch, searchOfFilters, viewOfSearch, withView, type NameOf } from '../src/renderer/src/lib/url-state';
import { initialFilters, type Filters } from '../src/renderer/src/stores/search-filters';

const form = (patch: Partial<Filters>): Filters => ({ ...initialFilters(), ...patch });
const NAMES: Record<string, string> = {
  'tag:12': 'Kissing',
  'tag:15': 'Outdoor',
  'tag:3': 'Beach',
  'performer:7': 'Ana',
  'studio:5': 'North',
  'studio:6': 'South',
};
const nameOf: NameOf = (kind, id) => NAMES[`${kind}:${id}`];
const read = (search: string) => filtersOfSearch(search, nameOf);

describe('searchOfFilters', () => {
  it('writes nothing for the untouched form', () => {
    expect(searchOfFilters(initialFilters())).toBe('');
  });

  it('writes only what differs from the untouched form, with ids listed by commas', () => {
    const filters = form({
      text: 'red car',
      markerTags: {
        all: [
          { id: 12, name: 'Kissing', withSubtags: true },
          { id: 15, name: 'Outdoor', withSubtags: false },
        ],
        any: [],
        none: [],
      },
      sceneTags: { all: [], any: [], none: [{ id: 3, name: 'Beach', withSubtags: false }] },
      sort: 'sceneDate',
      direction: 'asc',
    });
    expect(searchOfFilters(filters)).toBe('?q=red+car&tags=12*,15&scene-tags-none=3&sort=sceneDate&dir=asc');
  });

  it('leaves the direction out when it is the sort’s natural one', () => {
    expect(searchOfFilters(form({ sort: 'sceneTitle', direction: 'asc' }))).toBe('?sort=sceneTitle');
  });
});

describe('filtersOfSearch', () => {
  it('reads back every part of the form it wrote', () => {
    const filters = form({
      text: 'a, b & c?',
      markerTags: { all: [{ id: 12, name: 'Kissing', withSubtags: true }], any: [{ id: 15, name: 'Outdoor', withSubtags: false }], none: [] },
      primaryTagOnly: true,
      sceneTags: { all: [], any: [], none: [{ id: 3, name: 'Beach', withSubtags: true }] },
      performers: { all: [], any: [{ id: 7, name: 'Ana', withSubtags: false }], none: [] },
      genders: ['FEMALE', 'NON_BINARY'],
      sceneDateFrom: '2020',
      sceneDateTo: '2021-02-28',
      sceneMinutesMin: '5',
      sceneMinutesMax: '30.5',
      markerSecondsMin: '0',
      markerSecondsMax: '90',
      hasEnd: 'yes',
      studios: { all: [], any: [{ id: 5, name: 'North', withSubtags: true }], none: [{ id: 6, name: 'South', withSubtags: false }] },
      performerTags: { all: [{ id: 12, name: 'Kissing', withSubtags: true }], any: [], none: [] },
      favoritePerformersOnly: true,
      performerCountMin: '1',
      performerCountMax: '3',
      sceneRatingMin: '40',
      sceneRatingMax: '100',
      sceneOrganized: 'no',
      sort: 'random',
      // Random order has no direction to choose: it is the sort's own.
      direction: 'asc',
      seed: 4242,
    });
    expect(read(searchOfFilters(filters))).toEqual(filters);
  });

  it('names refs it has no name for by their id', () => {
    expect(read('?performers=99').performers.all).toEqual([{ id: 99, name: '#99', withSubtags: false }]);
  });

  it('gives the untouched form for an empty or foreign query', () => {
    expect(read('')).toEqual(initialFilters());
    expect(read('?token=abc&view=wall&utm=1')).toEqual(initialFilters());
  });

  it('drops the values it cannot take and keeps the rest', () => {
    const filters = read(
      '?q=ok&tags=12,x,-3,1.5,15**&performers=7*,7&genders=female,MALE&date-from=2021-02-30&date-to=2021-03' +
        '&minutes-min=abc&minutes-max=10&seconds-min=50&seconds-max=20&end=maybe&sort=loudest&dir=up&seed=9&primary=yes',
    );
    expect(filters).toEqual(
      form({
        text: 'ok',
        markerTags: { all: [{ id: 12, name: 'Kissing', withSubtags: false }], any: [], none: [] },
        // Performers have no sub-performers: the marked id is dropped, the plain one kept.
        performers: { all: [{ id: 7, name: 'Ana', withSubtags: false }], any: [], none: [] },
        genders: ['MALE'],
        sceneDateTo: '2021-03',
        sceneMinutesMax: '10',
        // Below its minimum: the form would not search with it.
        markerSecondsMin: '50',
      }),
    );
  });

  it('drops what the form could not show: a gender Stash lacks, a direction the sort has none of, primary-only without tags', () => {
    expect(read('?genders=FOO,MALE').genders).toEqual(['MALE']);
    expect(read('?dir=asc')).toEqual(initialFilters());
    expect(read('?sort=random&dir=desc&seed=3').direction).toBe('asc');
    expect(read('?primary=1').primaryTagOnly).toBe(false);
    expect(read('?tags=12&primary=1').primaryTagOnly).toBe(true);
  });

  it('keeps a ref in the first group that names it, once', () => {
    const filters = read('?tags=12,12&tags-none=12,15');
    expect(filters.markerTags.all.map((ref) => ref.id)).toEqual([12]);
    expect(filters.markerTags.none.map((ref) => ref.id)).toEqual([15]);
  });

  it('keeps lists within what the search accepts', () => {
    const ids = Array.from({ length: 150 }, (_, i) => i + 1).join(',');
    expect(read(`?tags=${ids}`).markerTags.all).toHaveLength(100);
    expect(read(`?q=${'w'.repeat(501)}`).text).toBe('');
  });

  it('takes the natural direction of the sort when the address names none, and a seed only for random', () => {
    expect(read('?sort=sceneTitle').direction).toBe('asc');
    expect(read('?sort=sceneDate&seed=5').seed).toBe(0);
  });

  it('writes the studio, performer and scene filters short, and reads them back', () => {
    const filters = form({
      studios: { all: [], any: [{ id: 5, name: 'North', withSubtags: true }], none: [] },
      performerTags: { all: [], any: [], none: [{ id: 3, name: 'Beach', withSubtags: false }] },
      favoritePerformersOnly: true,
      performerCountMax: '2',
      sceneRatingMin: '80',
      sceneOrganized: 'yes',
    });
    const search = searchOfFilters(filters);
    expect(search).toBe('?performer-tags-none=3&studios-any=5*&performers-max=2&rating-min=80&organized=yes&favorites=1');
    expect(read(search)).toEqual(filters);
  });

  it('drops the new filters’ values it cannot take', () => {
    const filters = read(
      '?studios=5&studios-any=6,x&studios-none=6,7*&performer-tags=12**,3&favorites=yes&performers-min=1.5&performers-max=4' +
        '&rating-min=101&rating-max=90&organized=maybe',
    );
    expect(filters).toEqual(
      form({
        // A scene has one studio: the form offers no "all of" studios.
        studios: { all: [], any: [{ id: 6, name: 'South', withSubtags: false }], none: [{ id: 7, name: '#7', withSubtags: true }] },
        performerTags: { all: [{ id: 3, name: 'Beach', withSubtags: false }], any: [], none: [] },
        performerCountMax: '4',
        sceneRatingMax: '90',
      }),
    );
  });
});

describe('the view in the address', () => {
  it('adds view=wall after the form, and nothing for the list', () => {
    expect(withView('', 'wall')).toBe('?view=wall');
    expect(withView('?q=kiss', 'wall')).toBe('?q=kiss&view=wall');
    expect(withView('?q=kiss', 'list')).toBe('?q=kiss');
  });

  it('reads the view back, and none from an address without one or with another', () => {
    expect(viewOfSearch('?q=kiss&view=wall')).toBe('wall');
    expect(viewOfSearch('?view=list')).toBe('list');
    expect(viewOfSearch('?q=kiss')).toBeUndefined();
    expect(viewOfSearch('?view=grid')).toBeUndefined();
  });

  it('is no part of the form', () => {
    expect(read('?q=kiss&view=wall')).toEqual(form({ text: 'kiss' }));
  });
});
