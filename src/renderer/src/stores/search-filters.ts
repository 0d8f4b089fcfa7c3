import { DEFAULT_DIRECTION, MarkerQuery, type MarkerQueryInput, type NamedRef, searchWords, type SORTS } from '../../../shared/search-query';

export type Sort = (typeof SORTS)[number];
export type Direction = 'asc' | 'desc';
export type Group = 'any' | 'all' | 'none';
export const GROUPS: readonly Group[] = ['any', 'all', 'none'];

export interface ChosenRef extends NamedRef {
  /** Tags and studios: also match the descendants (sub-tags, child studios). */
  withSubtags: boolean;
}
export type Chosen = Record<Group, ChosenRef[]>;
export type RefCategory = 'markerTags' | 'sceneTags' | 'performers' | 'performerTags' | 'studios';
export const REF_CATEGORIES: readonly RefCategory[] = ['markerTags', 'sceneTags', 'performers', 'performerTags', 'studios'];

/** The groups a category offers: a scene has one studio, so it cannot have all of several. */
export const CATEGORY_GROUPS: Record<RefCategory, readonly Group[]> = {
  markerTags: GROUPS,
  sceneTags: GROUPS,
  performers: GROUPS,
  performerTags: GROUPS,
  studios: ['any', 'none'],
};

/** Whether a category's refs have descendants to match too (tags their sub-tags, studios their children). */
export const hasDescendants = (category: RefCategory): boolean => category !== 'performers';

/** A yes/no filter that may also be left alone. */
export type YesNo = 'any' | 'yes' | 'no';

/** The search form as typed: numbers and dates stay text until they are valid. */
export interface Filters {
  text: string;
  markerTags: Chosen;
  primaryTagOnly: boolean;
  sceneTags: Chosen;
  performers: Chosen;
  genders: string[];
  sceneDateFrom: string;
  sceneDateTo: string;
  sceneMinutesMin: string;
  sceneMinutesMax: string;
  markerSecondsMin: string;
  markerSecondsMax: string;
  hasEnd: YesNo;
  studios: Chosen;
  performerTags: Chosen;
  favoritePerformersOnly: boolean;
  performerCountMin: string;
  performerCountMax: string;
  sceneRatingMin: string;
  sceneRatingMax: string;
  sceneOrganized: YesNo;
  sort: Sort;
  direction: Direction;
  /** For the random sort: every page of one search uses the same seed. */
  seed: number;
}

export type RangeField =
  | 'sceneMinutesMin'
  | 'sceneMinutesMax'
  | 'markerSecondsMin'
  | 'markerSecondsMax'
  | 'performerCountMin'
  | 'performerCountMax'
  | 'sceneRatingMin'
  | 'sceneRatingMax';
export type DateField = 'sceneDateFrom' | 'sceneDateTo';
export type FieldErrors = Partial<Record<RangeField | DateField, string>>;

const emptyChosen = (): Chosen => ({ any: [], all: [], none: [] });

export function initialFilters(): Filters {
  return {
    text: '',
    markerTags: emptyChosen(),
    primaryTagOnly: false,
    sceneTags: emptyChosen(),
    performers: emptyChosen(),
    genders: [],
    sceneDateFrom: '',
    sceneDateTo: '',
    sceneMinutesMin: '',
    sceneMinutesMax: '',
    markerSecondsMin: '',
    markerSecondsMax: '',
    hasEnd: 'any',
    studios: emptyChosen(),
    performerTags: emptyChosen(),
    favoritePerformersOnly: false,
    performerCountMin: '',
    performerCountMax: '',
    sceneRatingMin: '',
    sceneRatingMax: '',
    sceneOrganized: 'any',
    sort: 'relevance',
    direction: 'desc',
    seed: 0,
  };
}

/** Best matches first, or a shuffle: neither has a direction to choose. */
export const hasDirection = (sort: Sort): boolean => sort !== 'relevance' && sort !== 'random';

/** The order each sort reads best in before the user flips it. */
export const NATURAL_DIRECTION: Record<Sort, Direction> = DEFAULT_DIRECTION;

export const SORT_LABELS: Record<Sort, string> = {
  relevance: 'Relevance',
  sceneDate: 'Scene date',
  sceneTitle: 'Scene title',
  position: 'Position in scene',
  length: 'Marker length',
  updated: 'Recently updated',
  random: 'Random',
};

export function countActiveFilters(filters: Filters): number {
  const refs = REF_CATEGORIES.reduce((sum, category) => sum + GROUPS.reduce((n, group) => n + filters[category][group].length, 0), 0);
  const fields = (Object.keys(NUMBER_FIELDS) as (keyof Filters)[]).concat(['sceneDateFrom', 'sceneDateTo']);
  const switches = [filters.hasEnd !== 'any', filters.sceneOrganized !== 'any', filters.favoritePerformersOnly];
  return refs + filters.genders.length + fields.filter((field) => filters[field] !== '').length + switches.filter(Boolean).length;
}

/** How each number field reads: the unit it is typed in (query units per typed one), and its bounds. */
interface NumberRule {
  unit: number;
  whole?: boolean;
  max?: number;
}
const MINUTES: NumberRule = { unit: 60 };
const SECONDS: NumberRule = { unit: 1 };
const PERFORMERS: NumberRule = { unit: 1, whole: true };
/** Stash's rating100: five stars are 100. */
const RATING: NumberRule = { unit: 1, whole: true, max: 100 };
const NUMBER_FIELDS: Record<RangeField, NumberRule> = {
  sceneMinutesMin: MINUTES,
  sceneMinutesMax: MINUTES,
  markerSecondsMin: SECONDS,
  markerSecondsMax: SECONDS,
  performerCountMin: PERFORMERS,
  performerCountMax: PERFORMERS,
  sceneRatingMin: RATING,
  sceneRatingMax: RATING,
};

function numberProblem(value: number, rule: NumberRule): string | undefined {
  if (rule.max !== undefined)
    return Number.isInteger(value) && value >= 0 && value <= rule.max ? undefined : `Enter a whole number from 0 to ${rule.max}`;
  if (rule.whole) return Number.isInteger(value) && value >= 0 ? undefined : 'Enter a whole number, 0 or more';
  return Number.isFinite(value) && value >= 0 ? undefined : 'Enter a number, 0 or more';
}

/**
 * Whether the typed text is one Latin letter or digit and nothing else: the first keystroke. A word
 * in most of a library starts with it, so as a filter it narrows nothing and is the costliest search
 * there is; the search waits for a second character (any other script's single letter is searched).
 */
export function waitsForMoreText(typed: string): boolean {
  const words = searchWords(typed);
  return words.length === 1 && /^[a-z0-9]$/.test(words[0]!);
}

/**
 * Whether the form narrows the search at all: words to match, or a filter set. A search that does
 * not lists the whole mirror, so when it finds nothing the mirror itself holds no markers.
 */
export function narrowsSearch(filters: Filters): boolean {
  const searchesWords = searchWords(filters.text).length > 0 && !waitsForMoreText(filters.text);
  return searchesWords || countActiveFilters(filters) > 0;
}

/**
 * The query for the typed filters. A field that is not valid yet is left out and reported, so the
 * rest of the search keeps working while the user types.
 */
export function buildQuery(filters: Filters): { query: MarkerQueryInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const numberOf = (field: RangeField): number | undefined => {
    const text = filters[field].trim();
    if (text === '') return undefined;
    const value = Number(text);
    const problem = numberProblem(value, NUMBER_FIELDS[field]);
    if (problem) {
      errors[field] = problem;
      return undefined;
    }
    return value * NUMBER_FIELDS[field].unit;
  };
  const range = (minField: RangeField, maxField: RangeField) => {
    const min = numberOf(minField);
    let max = numberOf(maxField);
    if (min !== undefined && max !== undefined && min > max) {
      // Not valid yet, like any other: searched with, it would only ever find nothing.
      errors[maxField] = 'Below the minimum';
      max = undefined;
    }
    return min === undefined && max === undefined ? undefined : { min, max };
  };

  const markerTags = groupsOf(filters.markerTags, asTagRef);
  const query: MarkerQueryInput = {
    text: waitsForMoreText(filters.text) ? undefined : filters.text.trim() || undefined,
    markerTags: markerTags && { ...markerTags, on: filters.primaryTagOnly ? 'primary' : 'primaryOrSecondary' },
    sceneTags: groupsOf(filters.sceneTags, asTagRef),
    performers: groupsOf(filters.performers, asId),
    performerGenders: filters.genders.length > 0 ? filters.genders : undefined,
    sceneDuration: range('sceneMinutesMin', 'sceneMinutesMax'),
    markerLength: range('markerSecondsMin', 'markerSecondsMax'),
    hasEnd: yesNoOf(filters.hasEnd),
    studios: groupsOf(filters.studios, asStudioRef),
    performerTags: groupsOf(filters.performerTags, asTagRef),
    favoritePerformersOnly: filters.favoritePerformersOnly || undefined,
    performerCount: range('performerCountMin', 'performerCountMax'),
    sceneRating: range('sceneRatingMin', 'sceneRatingMax'),
    sceneOrganized: yesNoOf(filters.sceneOrganized),
    sort: filters.sort,
    direction: hasDirection(filters.sort) ? filters.direction : undefined,
    seed: filters.seed,
  };

  const sceneDate: { from?: string; to?: string } = {};
  for (const [field, bound] of [
    ['sceneDateFrom', 'from'],
    ['sceneDateTo', 'to'],
  ] as const) {
    const value = filters[field].trim();
    if (value === '') continue;
    // The query's own schema says what a partial date is.
    const check = MarkerQuery.safeParse({ sceneDate: { [bound]: value } });
    if (check.success) sceneDate[bound] = value;
    // The schema's calendar check is its only custom rule: the shape is right, the day is not.
    else errors[field] = check.error.issues.some((issue) => issue.code === 'custom') ? 'No such date' : 'Use YYYY, YYYY-MM or YYYY-MM-DD';
  }
  if (sceneDate.from || sceneDate.to) query.sceneDate = sceneDate;
  return { query, errors };
}

/** The chosen refs as a query filter ({ any, all, none }), or undefined when none are chosen. */
function groupsOf<T>(chosen: Chosen, toQuery: (ref: ChosenRef) => T): Partial<Record<Group, T[]>> | undefined {
  const present = GROUPS.filter((group) => chosen[group].length > 0);
  if (present.length === 0) return undefined;
  return Object.fromEntries(present.map((group) => [group, chosen[group].map(toQuery)]));
}

const asTagRef = (ref: ChosenRef) => ({ id: ref.id, withSubtags: ref.withSubtags });
const asStudioRef = (ref: ChosenRef) => ({ id: ref.id, withChildren: ref.withSubtags });
const yesNoOf = (value: YesNo): boolean | undefined => (value === 'any' ? undefined : value === 'yes');
const asId = (ref: ChosenRef) => ref.id;
