/**
 * `npm run search`: marker search from a terminal, on the same mirror `sync:stash` fills.
 * Names of tags and performers are matched ignoring case and accents.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { openMirrorStore } from '../core/db/open';
import type { MirrorStore } from '../core/db/store';
import { isEntryPoint } from '../core/entry-point';
import { parseMarkerQuery, PERFORMER_GENDERS, SORTS, type MarkerQueryInput, type MarkerSearchResult } from '../core/search/query';
import { searchMarkers } from '../core/search/search';
import { searchWords } from '../core/search/text';
import { sceneLabel } from '../shared/scene-label';
import { formatTimeRange } from '../shared/time-format';
import { MediaCache } from '../core/media/media-cache';
import { mediaCacheDir, userDataDir } from '../core/paths';
import { mirrorLocation, type MirrorLocation } from './mirror-options';
import { HelpRequested, isUsage, reportUsage, UsageError } from './usage';

/** Genders as typed on a command line: lower case, '-' for '_'. */
const GENDER_NAMES = PERFORMER_GENDERS.map((g) => g.toLowerCase().replaceAll('_', '-'));

const USAGE = `Usage: npm run search -- [words…] [--tag NAME]… [--any-tag NAME]… [--not-tag NAME]… [--with-subtags] [--primary-only]
                      [--scene-tag NAME]… [--any-scene-tag NAME]… [--not-scene-tag NAME]…
                      [--performer NAME]… [--any-performer NAME]… [--not-performer NAME]… [--gender GENDER]…
                      [--studio ID[+]]… [--not-studio ID[+]]… [--performer-tag NAME]… [--any-performer-tag NAME]…
                      [--not-performer-tag NAME]… [--favorite-performers] [--performers-min N] [--performers-max N]
                      [--rating-min N] [--rating-max N] [--organized | --not-organized]
                      [--from DATE] [--to DATE] [--min-duration S] [--max-duration S] [--min-length S] [--max-length S]
                      [--has-end | --no-end] [--sort ${SORTS.join('|')}] [--asc | --desc] [--seed N]
                      [--page N] [--per-page N] [--facets N] [--db FILE] [--database-url URL] [--stash-url URL] [--json]
--tag, --scene-tag, --performer: every one must match; --any-…: at least one; --not-…: none of them.
--with-subtags: each tag also matches its sub-tags. --primary-only: marker tags match the primary tag only.
--gender: the scene has a performer of one of them: ${GENDER_NAMES.join(', ')}.
--studio: the scene's studio is one of them (ID+ also takes the studios below it); --not-studio: none of them.
--performer-tag: a tag of the scene's performers. --rating-…: the scene's rating, 0-100 (unrated scenes never match).
Dates: YYYY, YYYY-MM or YYYY-MM-DD. Relevance sorts most relevant first; --asc reverses it.`;

const OPTIONS = {
  tag: { type: 'string', multiple: true },
  'any-tag': { type: 'string', multiple: true },
  'not-tag': { type: 'string', multiple: true },
  'with-subtags': { type: 'boolean', default: false },
  'primary-only': { type: 'boolean', default: false },
  'scene-tag': { type: 'string', multiple: true },
  'any-scene-tag': { type: 'string', multiple: true },
  'not-scene-tag': { type: 'string', multiple: true },
  performer: { type: 'string', multiple: true },
  'any-performer': { type: 'string', multiple: true },
  'not-performer': { type: 'string', multiple: true },
  gender: { type: 'string', multiple: true },
  studio: { type: 'string', multiple: true },
  'not-studio': { type: 'string', multiple: true },
  'performer-tag': { type: 'string', multiple: true },
  'any-performer-tag': { type: 'string', multiple: true },
  'not-performer-tag': { type: 'string', multiple: true },
  'favorite-performers': { type: 'boolean' },
  'performers-min': { type: 'string' },
  'performers-max': { type: 'string' },
  'rating-min': { type: 'string' },
  'rating-max': { type: 'string' },
  organized: { type: 'boolean' },
  'not-organized': { type: 'boolean' },
  from: { type: 'string' },
  to: { type: 'string' },
  'min-duration': { type: 'string' },
  'max-duration': { type: 'string' },
  'min-length': { type: 'string' },
  'max-length': { type: 'string' },
  'has-end': { type: 'boolean' },
  'no-end': { type: 'boolean' },
  sort: { type: 'string' },
  asc: { type: 'boolean' },
  desc: { type: 'boolean' },
  seed: { type: 'string' },
  page: { type: 'string' },
  'per-page': { type: 'string' },
  facets: { type: 'string' },
  db: { type: 'string' },
  'database-url': { type: 'string' },
  'stash-url': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

const key = (name: string) => searchWords(name).join(' ');

/** Finds live tags or performers by name; an unknown or ambiguous name is a usage error. */
async function resolver(store: MirrorStore, entity: 'tags' | 'performers', what: string) {
  const rows = await store.liveNames(entity);
  const byKey = new Map<string, { id: number; name: string }[]>();
  for (const row of rows) byKey.set(key(row.name), [...(byKey.get(key(row.name)) ?? []), row]);
  return (name: string): number => {
    const found = byKey.get(key(name)) ?? [];
    if (found.length === 1) return found[0]!.id;
    if (found.length === 0) throw new UsageError(`No ${what} named "${name}" in the mirror`);
    throw new UsageError(`Several ${what}s are named "${name}": ${found.map((f) => `${f.name} (#${f.id})`).join(', ')}`);
  };
}

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${flag} takes a number, got "${value}"`);
  return n;
}

/** A gender as Stash spells it, from any case with '-' or ' ' for '_'. */
function gender(value: string): string {
  const name = value
    .trim()
    .toUpperCase()
    .replace(/[-\s]+/g, '_');
  if ((PERFORMER_GENDERS as readonly string[]).includes(name)) return name;
  throw new UsageError(`--gender takes one of ${GENDER_NAMES.join(', ')}; got "${value}"`);
}

/** A studio as `ID` or `ID+` (with the studios below it). */
function studioRef(flag: string) {
  return (value: string) => {
    const match = /^(\d+)(\+?)$/.exec(value.trim());
    if (!match) throw new UsageError(`--${flag} takes a studio id, with + for its child studios too; got "${value}"`);
    return { id: Number(match[1]), withChildren: match[2] === '+' };
  };
}

/** The query but its tag and performer filters: all the command line says without names, checked before the mirror is opened. */
function queryWithoutNames(words: string[], v: Values): MarkerQueryInput {
  if (v.sort !== undefined && !(SORTS as readonly string[]).includes(v.sort)) {
    throw new UsageError(`--sort takes one of ${SORTS.join(', ')}`);
  }
  const range = (
    min: 'min-duration' | 'min-length' | 'performers-min' | 'rating-min',
    max: 'max-duration' | 'max-length' | 'performers-max' | 'rating-max',
  ) => {
    const r = { min: number(v[min], min), max: number(v[max], max) };
    return r.min === undefined && r.max === undefined ? undefined : r;
  };
  return {
    text: words.join(' ') || undefined,
    performerGenders: v.gender?.map(gender),
    sceneDate: v.from || v.to ? { from: v.from, to: v.to } : undefined,
    sceneDuration: range('min-duration', 'max-duration'),
    markerLength: range('min-length', 'max-length'),
    hasEnd: v['has-end'] ? true : v['no-end'] ? false : undefined,
    studios:
      v.studio || v['not-studio'] ? { any: v.studio?.map(studioRef('studio')), none: v['not-studio']?.map(studioRef('not-studio')) } : undefined,
    favoritePerformersOnly: v['favorite-performers'] || undefined,
    performerCount: range('performers-min', 'performers-max'),
    sceneRating: range('rating-min', 'rating-max'),
    sceneOrganized: v.organized ? true : v['not-organized'] ? false : undefined,
    sort: v.sort as MarkerQueryInput['sort'],
    direction: v.asc ? 'asc' : v.desc ? 'desc' : undefined,
    seed: number(v.seed, 'seed'),
    page: number(v.page, 'page'),
    perPage: number(v['per-page'], 'per-page') ?? 20,
    facetLimit: number(v.facets, 'facets') ?? 5,
  };
}

type GroupFlag = 'tag' | 'scene-tag' | 'performer' | 'performer-tag';

/** --X, --any-X and --not-X as a filter's all, any and none, each name looked up; undefined without any of them. */
function groups<T>(v: Values, flag: GroupFlag, lookUp: (name: string) => T) {
  const [all, any, none] = [v[flag], v[`any-${flag}`], v[`not-${flag}`]];
  if (!all && !any && !none) return undefined;
  return { all: all?.map(lookUp), any: any?.map(lookUp), none: none?.map(lookUp) };
}

/** The tag and performer filters, their names looked up in the mirror. */
async function namedFilters(
  store: MirrorStore,
  v: Values,
): Promise<Pick<MarkerQueryInput, 'markerTags' | 'sceneTags' | 'performers' | 'performerTags'>> {
  const tag = await resolver(store, 'tags', 'tag');
  const performer = await resolver(store, 'performers', 'performer');
  const tagRef = (name: string) => ({ id: tag(name), withSubtags: v['with-subtags'] });
  const markerTags = groups(v, 'tag', tagRef);
  return {
    markerTags: markerTags && { ...markerTags, on: v['primary-only'] ? 'primary' : 'primaryOrSecondary' },
    sceneTags: groups(v, 'scene-tag', tagRef),
    performers: groups(v, 'performer', performer),
    performerTags: groups(v, 'performer-tag', tagRef),
  };
}

/** A hit's screenshot in the picture cache: its file, or Stash's "not generated"; absent when not cached. */
export interface CachedScreenshot {
  path: string | null;
  notGenerated: boolean;
}

export type HitWithScreenshot = MarkerSearchResult['hits'][number] & { cachedScreenshot: CachedScreenshot | null };
export type ResultWithScreenshots = Omit<MarkerSearchResult, 'hits'> & { hits: HitWithScreenshot[] };

/**
 * Each hit's cached screenshot, read from the cache sync:stash fills beside the mirror. Without a
 * cache there (never synced with pictures) the hits say nothing of it: searching never makes one.
 */
function withCachedScreenshots(result: MarkerSearchResult, location: MirrorLocation, env: NodeJS.ProcessEnv): ResultWithScreenshots {
  const dir = mediaCacheDir(location, userDataDir(env));
  const cache = MediaCache.openForReading(dir);
  if (!cache) return { ...result, hits: result.hits.map((hit) => ({ ...hit, cachedScreenshot: null })) };
  try {
    return {
      ...result,
      hits: result.hits.map((hit) => {
        const found = cache.peek('marker-screenshot', hit.id);
        return { ...hit, cachedScreenshot: found && { path: found.placeholder ? null : found.path, notGenerated: found.placeholder } };
      }),
    };
  } finally {
    cache.close();
  }
}

/** The screenshot column: the cached file, "not generated in Stash", or nothing when not cached. */
function screenshotCell(cached: CachedScreenshot | null): string {
  if (!cached) return '';
  return cached.notGenerated ? 'not generated in Stash' : cached.path!;
}

function cell(text: string, width: number): string {
  const chars = [...text.replace(/\s+/g, ' ')];
  return chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text.padEnd(width + text.length - chars.length);
}

export function formatResult(result: ResultWithScreenshots): string {
  // Only when some hit's screenshot is cached; the path is never cut (it is there to be opened).
  const withScreenshots = result.hits.some((hit) => hit.cachedScreenshot !== null);
  const lines = result.hits.map((hit) => {
    const time = formatTimeRange(hit.seconds, hit.endSeconds);
    const tags = [hit.primaryTag.name, ...hit.tags.map((t) => t.name)].join(', ');
    const studio = hit.scene.studio ? ` · ${hit.scene.studio.name}` : '';
    const scene = `${sceneLabel(hit.scene) ?? `scene ${hit.scene.id}`}${hit.scene.date ? ` (${hit.scene.date})` : ''}${studio}`;
    return [
      cell(String(hit.id), 7),
      cell(time, 15),
      cell(hit.title || '—', 28),
      cell(tags, 30),
      cell(scene, 32),
      cell(hit.performers.map((p) => p.name).join(', '), 30),
      ...(withScreenshots ? [screenshotCell(hit.cachedScreenshot)] : []),
    ].join('  ');
  });
  const header = ['marker', 'time', 'title', 'tags', 'scene', 'performers', ...(withScreenshots ? ['screenshot'] : [])];
  const widths = [7, 15, 28, 30, 32, 30, 10];
  const first = (result.page - 1) * result.perPage;
  const facet = (label: string, list: MarkerSearchResult['facets']['primaryTags']) =>
    list.length ? `${label}: ${list.map((f) => `${f.name} (${f.count})`).join(', ')}` : '';
  return [
    header.map((h, i) => cell(h, widths[i]!)).join('  '),
    ...lines,
    '',
    result.total === 0 ? 'No markers match.' : `${first + 1}–${first + result.hits.length} of ${result.total} markers (page ${result.page})`,
    facet('Primary tags', result.facets.primaryTags),
    facet('Performers', result.facets.performers),
    facet('Scene tags', result.facets.sceneTags),
    facet('Studios', result.facets.studios),
  ]
    .filter((line, i, all) => line !== '' || i < all.length - 4)
    .join('\n');
}

export async function runSearchCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let store: MirrorStore | null = null;
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    if (values.help) throw new HelpRequested(USAGE);
    const query = queryWithoutNames(positionals, values);
    // Bad values (a page 0, a date of no form) are refused before any file is looked at.
    parseMarkerQuery(query);
    const location = mirrorLocation(values, env);
    if (location.file !== undefined && !existsSync(location.file)) {
      // Opening would create an empty mirror there: searching never makes a file.
      process.stderr.write(`No mirror at ${location.file}: sync one first with npm run sync:stash -- --db "${location.file}"\n`);
      return 1;
    }
    store = await openMirrorStore(location);
    if ((await store.listRuns(1)).length === 0) {
      process.stderr.write(`The mirror at ${store.location} is empty: run npm run sync:stash first\n`);
      return 1;
    }
    const input = { ...query, ...(await namedFilters(store, values)) };
    const found = await searchMarkers(store, input, { stashUrl: values['stash-url'] ?? (env.STASH_URL || undefined) });
    const result = withCachedScreenshots(found, location, env);
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${formatResult(result)}\n`);
    return 0;
  } catch (error) {
    if (isUsage(error)) return reportUsage(error);
    if (error instanceof ZodError) {
      const issue = error.issues[0];
      process.stderr.write(`Invalid search: ${issue?.path.join('.')}: ${issue?.message}\n`);
      return 2;
    }
    process.stderr.write(`search failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}

if (isEntryPoint(import.meta.url)) {
  process.exitCode = await runSearchCommand(process.argv.slice(2));
}
