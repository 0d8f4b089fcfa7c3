/**
 * The marker search query: one typed object used by the app, the CLI and the tests. Validated with
 * zod, so input from a window or a command line is checked before it reaches SQL.
 */
import { z } from 'zod';

const id = z.number().int().nonnegative();

/** A tag to match, optionally with all its descendants (several parents per tag; cycles allowed). */
export const TagRef = z.object({ id, withSubtags: z.boolean().default(false) });

const tagSet = z.array(TagRef).max(100);

export const TagFilter = z.object({
  any: tagSet.optional(),
  all: tagSet.optional(),
  none: tagSet.optional(),
});

export const MarkerTagFilter = TagFilter.extend({
  /** Match the primary tag only, or the primary or any secondary tag. */
  on: z.enum(['primary', 'primaryOrSecondary']).default('primaryOrSecondary'),
});

const ids = z.array(id).max(100);

export const PerformerFilter = z.object({ any: ids.optional(), all: ids.optional(), none: ids.optional() });

/** Partial dates as Stash stores them: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', naming a month and day that exist. */
const PARTIAL_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const partialDate = z
  .string()
  .regex(PARTIAL_DATE, 'expected YYYY, YYYY-MM or YYYY-MM-DD')
  .refine((date) => !PARTIAL_DATE.test(date) || isCalendarDate(date), 'no such date: months run 01-12, days to the end of their month');

function isCalendarDate(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number?, number?];
  if (month === undefined) return true;
  if (month < 1 || month > 12) return false;
  return day === undefined || (day >= 1 && day <= daysInMonth(year, month));
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const range = z.object({ min: z.number().optional(), max: z.number().optional() });

/** A studio to match, optionally with all its descendant studios. */
export const StudioRef = z.object({ id, withChildren: z.boolean().default(false) });
const studioSet = z.array(StudioRef).max(100);

/** Stash's performer genders, as its API spells them. */
export const PERFORMER_GENDERS = ['MALE', 'FEMALE', 'TRANSGENDER_MALE', 'TRANSGENDER_FEMALE', 'INTERSEX', 'NON_BINARY'] as const;

export const SORTS = ['relevance', 'sceneDate', 'sceneTitle', 'position', 'length', 'updated', 'random'] as const;

/** The direction each sort reads best in when the query names none (relevance: most relevant first). */
export const DEFAULT_DIRECTION: Record<(typeof SORTS)[number], 'asc' | 'desc'> = {
  relevance: 'desc',
  sceneDate: 'desc',
  sceneTitle: 'asc',
  position: 'asc',
  length: 'desc',
  updated: 'desc',
  random: 'asc',
};

export const MarkerQuery = z.object({
  /** Words matched, as prefixes, against marker title, tag names, scene title, details and file basename, performer names. */
  text: z.string().max(500).optional(),
  markerTags: MarkerTagFilter.optional(),
  sceneTags: TagFilter.optional(),
  performers: PerformerFilter.optional(),
  /** The scene has at least one performer of one of these genders (PERFORMER_GENDERS). */
  performerGenders: z.array(z.string()).max(10).optional(),
  /** Inclusive; a partial bound covers its whole year or month. */
  sceneDate: z.object({ from: partialDate.optional(), to: partialDate.optional() }).optional(),
  /** Seconds. */
  sceneDuration: range.optional(),
  /** Seconds between end and start; markers without an end have no length. */
  markerLength: range.optional(),
  hasEnd: z.boolean().optional(),
  studios: z.object({ any: studioSet.optional(), none: studioSet.optional() }).optional(),
  performerTags: TagFilter.optional(),
  favoritePerformersOnly: z.boolean().optional(),
  performerCount: range.optional(),
  sceneRating: range.optional(),
  sceneOrganized: z.boolean().optional(),
  sort: z.enum(SORTS).default('relevance'),
  /** Every sort honours it; relevance 'asc' lists the least relevant first. Ties are by marker id ascending either way. */
  direction: z.enum(['asc', 'desc']).optional(),
  /** For sort 'random': the same seed gives the same order. */
  seed: z.number().int().default(0),
  page: z.number().int().min(1).default(1),
  perPage: z.number().int().min(1).max(500).default(50),
  /** How many entries each facet lists. 0 skips facets. */
  facetLimit: z.number().int().min(0).max(1000).default(10),
});

export type MarkerQueryInput = z.input<typeof MarkerQuery>;
export type MarkerQuery = z.output<typeof MarkerQuery>;
export type TagFilter = z.output<typeof TagFilter>;
export type MarkerTagFilter = z.output<typeof MarkerTagFilter>;

export interface NamedRef {
  id: number;
  name: string;
}

export interface MarkerHit {
  id: number;
  title: string;
  seconds: number;
  endSeconds: number | null;
  primaryTag: NamedRef;
  /** Secondary tags, by name. */
  tags: NamedRef[];
  /** `basename`: the primary file's, which Stash shows for a scene without a title; null without files. */
  scene: { id: number; title: string | null; basename: string | null; date: string | null; studio?: NamedRef | null };
  performers: NamedRef[];
  /** Stash URLs, when the Stash server's address is known. */
  urls: { stream: string; preview: string; screenshot: string; scene: string } | null;
}

export interface FacetCount extends NamedRef {
  count: number;
}

export interface MarkerSearchResult {
  total: number;
  page: number;
  perPage: number;
  hits: MarkerHit[];
  facets: { primaryTags: FacetCount[]; performers: FacetCount[]; sceneTags: FacetCount[]; studios?: FacetCount[] };
}

/** Checks and completes a query from any caller; throws a ZodError naming the bad field. */
export function parseMarkerQuery(input: MarkerQueryInput): MarkerQuery {
  return MarkerQuery.parse(input);
}
