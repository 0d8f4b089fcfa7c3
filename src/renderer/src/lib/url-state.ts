/**
 * The search form in the address's query, and back: `?q=kiss&tags=12*,15&sort=sceneDate&dir=asc`.
 * Only what differs from the untouched form is written, so the address stays short and readable.
 * Reading is forgiving: the address may be hand-edited or older than the library, so an unknown key
 * or a value the form would not accept is dropped and the rest is kept; reading never throws.
 *
 * Refs travel as ids (a `*` after a tag's id: with its sub-tags); their names are not in the address
 * and come from `nameOf`. The results' view rides along as `view=wall` (the list, the default, adds
 * nothing); it is no part of the form, since changing it searches nothing again.
 */
import { PERFORMER_GENDERS, SORTS } from '../../../shared/search-query';
import {
  buildQuery,
  CATEGORY_GROUPS,
  type Chosen,
  type ChosenRef,
  type Filters,
  GROUPS,
  type Group,
  hasDirection,
  initialFilters,
  NATURAL_DIRECTION,
  hasDescendants,
  type RefCategory,
  type Sort,
  type YesNo,
} from '../stores/search-filters';

/** Whose name a ref's id is: the two tag categories name the same tags. */
export type RefKind = 'tag' | 'performer' | 'studio';
export const REF_KIND: Record<RefCategory, RefKind> = {
  markerTags: 'tag',
  sceneTags: 'tag',
  performers: 'performer',
  performerTags: 'tag',
  studios: 'studio',
};
export type NameOf = (kind: RefKind, id: number) => string | undefined;
/** What a ref is called until its name is known. */
export const unknownName = (id: number): string => `#${id}`;

const REF_KEYS: Record<RefCategory, string> = {
  markerTags: 'tags',
  sceneTags: 'scene-tags',
  performers: 'performers',
  performerTags: 'performer-tags',
  studios: 'studios',
};
/** The group a plain key holds; the others carry it as a suffix (`tags-any`, `tags-none`). */
const PLAIN_GROUP: Group = 'all';
const refKey = (category: RefCategory, group: Group) => (group === PLAIN_GROUP ? REF_KEYS[category] : `${REF_KEYS[category]}-${group}`);

/** The form's text fields, by their key. */
const TEXT_KEYS = {
  sceneDateFrom: 'date-from',
  sceneDateTo: 'date-to',
  sceneMinutesMin: 'minutes-min',
  sceneMinutesMax: 'minutes-max',
  markerSecondsMin: 'seconds-min',
  markerSecondsMax: 'seconds-max',
  performerCountMin: 'performers-min',
  performerCountMax: 'performers-max',
  sceneRatingMin: 'rating-min',
  sceneRatingMax: 'rating-max',
} as const satisfies Partial<Record<keyof Filters, string>>;
type TextField = keyof typeof TEXT_KEYS;

// The query schema's own bounds: a longer list or text would fail the search, not just narrow it.
const MAX_TEXT = 500;
const MAX_REFS = 100;
const MAX_GENDERS = 10;
/** The yes/no filters, by their key ('yes' or 'no'; left alone: absent). */
const YES_NO_KEYS = { hasEnd: 'end', sceneOrganized: 'organized' } as const satisfies Partial<Record<keyof Filters, string>>;
type YesNoField = keyof typeof YES_NO_KEYS;

/** A date or a number of minutes or seconds: anything longer was not typed into the form. */
const MAX_FIELD = 20;
const SUBTAGS_MARK = '*';
const REF_ID = /^(\d{1,15})(\*?)$/;

/** The query part for `filters` ('' for the untouched form, else starting with '?'). */
export function searchOfFilters(filters: Filters): string {
  const params = new URLSearchParams();
  const text = filters.text;
  if (text !== '') params.set('q', text);
  for (const category of Object.keys(REF_KEYS) as RefCategory[]) {
    for (const group of GROUPS) {
      const refs = filters[category][group];
      if (refs.length > 0) params.set(refKey(category, group), refs.map((ref) => `${ref.id}${ref.withSubtags ? SUBTAGS_MARK : ''}`).join(','));
    }
  }
  if (filters.primaryTagOnly) params.set('primary', '1');
  if (filters.genders.length > 0) params.set('genders', filters.genders.join(','));
  for (const [field, key] of Object.entries(TEXT_KEYS) as [TextField, string][]) {
    if (filters[field] !== '') params.set(key, filters[field]);
  }
  for (const [field, key] of Object.entries(YES_NO_KEYS) as [YesNoField, string][]) {
    if (filters[field] !== 'any') params.set(key, filters[field]);
  }
  if (filters.favoritePerformersOnly) params.set('favorites', '1');
  if (filters.sort !== 'relevance') params.set('sort', filters.sort);
  if (filters.direction !== NATURAL_DIRECTION[filters.sort]) params.set('dir', filters.direction);
  if (filters.sort === 'random') params.set('seed', String(filters.seed));
  // Commas separate ids: left as they are, the list reads as one.
  const query = params.toString().replace(/%2C/gi, ',');
  return query === '' ? '' : `?${query}`;
}

/** The form an address's query describes; what it cannot take is left as in the untouched form. */
export function filtersOfSearch(search: string, nameOf: NameOf): Filters {
  const params = new URLSearchParams(search);
  const filters = initialFilters();
  const get = (key: string) => params.get(key) ?? undefined;

  const text = get('q');
  if (text !== undefined && text.length <= MAX_TEXT) filters.text = text;

  // A ref sits in one group only: the first group naming it keeps it.
  const seen = new Set<string>();
  for (const category of Object.keys(REF_KEYS) as RefCategory[]) {
    const chosen: Chosen = { any: [], all: [], none: [] };
    for (const group of CATEGORY_GROUPS[category]) {
      chosen[group] = refsOf(get(refKey(category, group)), category, nameOf).filter((ref) => {
        const key = `${category}:${ref.id}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
    filters[category] = chosen;
  }
  // Only meaningful with marker tags chosen: the form offers it only then.
  filters.primaryTagOnly = get('primary') === '1' && GROUPS.some((group) => filters.markerTags[group].length > 0);

  // Only the genders Stash has: another would be a filter the form cannot show (nor clear by its checkbox).
  const genders = listOf(get('genders')).filter((gender) => (PERFORMER_GENDERS as readonly string[]).includes(gender));
  filters.genders = [...new Set(genders)].slice(0, MAX_GENDERS);

  for (const [field, key] of Object.entries(TEXT_KEYS) as [TextField, string][]) {
    const value = get(key);
    if (value !== undefined && value.length <= MAX_FIELD) filters[field] = value;
  }
  // The form's own rules judge the fields: a date or number it would not search with is dropped.
  for (const field of Object.keys(buildQuery(filters).errors) as TextField[]) filters[field] = '';

  for (const [field, key] of Object.entries(YES_NO_KEYS) as [YesNoField, string][]) {
    const value = get(key);
    if (value === 'yes' || value === 'no') filters[field] = value satisfies YesNo;
  }
  filters.favoritePerformersOnly = get('favorites') === '1';

  const sort = get('sort');
  if (sort && (SORTS as readonly string[]).includes(sort)) filters.sort = sort as Sort;
  const direction = get('dir');
  const asked = direction === 'asc' || direction === 'desc' ? direction : undefined;
  filters.direction = asked && hasDirection(filters.sort) ? asked : NATURAL_DIRECTION[filters.sort];
  const seed = Number(get('seed'));
  if (filters.sort === 'random' && Number.isSafeInteger(seed)) filters.seed = seed;
  return filters;
}

function refsOf(value: string | undefined, category: RefCategory, nameOf: NameOf): ChosenRef[] {
  const refs: ChosenRef[] = [];
  for (const item of listOf(value)) {
    const match = REF_ID.exec(item);
    // Performers have no sub-performers: a marked performer id is not one the form could write.
    if (!match || (match[2] && !hasDescendants(category))) continue;
    const id = Number(match[1]);
    if (refs.some((ref) => ref.id === id)) continue;
    refs.push({ id, name: nameOf(REF_KIND[category], id) ?? unknownName(id), withSubtags: match[2] === SUBTAGS_MARK });
  }
  return refs.slice(0, MAX_REFS);
}

const listOf = (value: string | undefined): string[] => (value ? value.split(',').filter((item) => item !== '') : []);

export type ResultsView = 'list' | 'wall';
const VIEW_KEY = 'view';
export const isResultsView = (value: unknown): value is ResultsView => value === 'list' || value === 'wall';
const DEFAULT_VIEW: ResultsView = 'list';

/** The view an address names, or undefined when it names none (or one there is not). */
export function viewOfSearch(search: string): ResultsView | undefined {
  const view = new URLSearchParams(search).get(VIEW_KEY);
  return isResultsView(view) ? view : undefined;
}

/** A query part as searchOfFilters writes it, with the view added unless it is the default. */
export function withView(search: string, view: ResultsView): string {
  if (view === DEFAULT_VIEW) return search;
  return `${search === '' ? '?' : `${search}&`}${VIEW_KEY}=${view}`;
}
