/**
 * Filtering, sorting and paging the way Stash's SQL does it, including its traps: a secondary sort
 * key that is not unique (ties come back in any order), timestamps compared as strings, LIMIT/OFFSET
 * over live data, and `ids` lookups that fail as a whole on one bad id.
 *
 * Sorted orders are cached per library version, so serving a page costs O(page) (plus the tie
 * groups it touches), not a sort of the whole table.
 */
import {
  ENTITY_LABEL,
  type EntityKind,
  type FakeLibrary,
  type FakeMarker,
  type FakePerformer,
  type FakeScene,
  type FakeStudio,
  type FakeTag,
} from './library';
import { clockFormat } from './clock';
import type { Rng } from './rng';

export interface FindFilterInput {
  q?: string | null;
  page?: number | null;
  per_page?: number | null;
  sort?: string | null;
  direction?: 'ASC' | 'DESC' | null;
}

export interface TimestampCriterion {
  value: string;
  value2?: string | null;
  modifier: string;
}
export interface IntCriterion {
  value: number;
  value2?: number | null;
  modifier: string;
}
export interface MultiCriterion {
  value?: string[] | null;
  modifier: string;
  excludes?: string[] | null;
}

type RowOf<K extends EntityKind> = K extends 'performer'
  ? FakePerformer
  : K extends 'tag'
    ? FakeTag
    : K extends 'studio'
      ? FakeStudio
      : K extends 'scene'
        ? FakeScene
        : FakeMarker;

export interface TieOptions {
  /** 'shuffle': rows tying on every sort key come back in a per-request order. */
  tieOrder: 'shuffle' | 'stable';
  rng: Rng;
}

/** A query error Stash would report as a GraphQL error. */
export class StashQueryError extends Error {}

// ---------------------------------------------------------------------------------------------
// Sorting

type Key = string | number | null;

interface SortSpec<R> {
  /** Primary key; null sorts first ascending, like SQLite's NULL. */
  primary: ((r: R, lib: FakeLibrary) => Key) | null;
}

/** Case-insensitive natural order, an approximation of Stash's NATURAL_CI collation. */
export function naturalKey(s: string): string {
  const lower = s.toLowerCase();
  if (!/\d/.test(lower)) return lower;
  return lower.replace(/\d+/g, (d) => {
    const t = d.replace(/^0+(?=\d)/, '');
    return t.length >= 20 ? t : t.padStart(20, '0');
  });
}

const SORTS: { [K in EntityKind]: Record<string, SortSpec<RowOf<K>>> } = {
  performer: {
    id: { primary: (r) => r.id },
    name: { primary: (r) => naturalKey(r.name) },
    created_at: { primary: (r) => r.created_at },
    updated_at: { primary: (r) => r.updated_at },
  },
  tag: {
    id: { primary: (r) => r.id },
    name: { primary: (r) => naturalKey(r.sort_name ?? r.name) },
    created_at: { primary: (r) => r.created_at },
    updated_at: { primary: (r) => r.updated_at },
  },
  studio: {
    id: { primary: (r) => r.id },
    name: { primary: (r) => naturalKey(r.name) },
    created_at: { primary: (r) => r.created_at },
    updated_at: { primary: (r) => r.updated_at },
  },
  scene: {
    id: { primary: (r) => r.id },
    title: { primary: (r) => naturalKey(r.title ?? '') },
    date: { primary: (r) => r.date },
    created_at: { primary: (r) => r.created_at },
    updated_at: { primary: (r) => r.updated_at },
    // No ORDER BY at all: every row ties with every other.
    '': { primary: null },
  },
  marker: {
    id: { primary: (r) => r.id },
    title: {
      primary: (r, lib) => naturalKey(r.title !== '' ? r.title : (lib.tags.get(r.primaryTagId)?.name ?? '')),
    },
    seconds: { primary: (r) => r.seconds },
    scene_id: { primary: (r) => r.sceneId },
    scenes_updated_at: { primary: (r, lib) => lib.scenes.get(r.sceneId)?.updated_at ?? null },
    created_at: { primary: (r) => r.created_at },
    updated_at: { primary: (r) => r.updated_at },
  },
};

/** Sorts real Stash accepts that the fake does not implement: refused with a clear message. */
const KNOWN_UNSUPPORTED: Record<EntityKind, readonly string[]> = {
  performer: [
    'birthdate',
    'career_length',
    'galleries_count',
    'height',
    'images_count',
    'last_o_at',
    'last_played_at',
    'measurements',
    'o_counter',
    'penis_length',
    'play_count',
    'random',
    'rating',
    'scenes_count',
    'scenes_duration',
    'tag_count',
    'weight',
  ],
  tag: ['galleries_count', 'images_count', 'performers_count', 'random', 'scene_markers_count', 'scenes_count'],
  studio: ['galleries_count', 'images_count', 'random', 'rating', 'scenes_count', 'tag_count'],
  scene: [
    'bitrate',
    'code',
    'production_date',
    'file_count',
    'filesize',
    'duration',
    'file_mod_time',
    'framerate',
    'group_scene_number',
    'interactive',
    'interactive_speed',
    'last_o_at',
    'last_played_at',
    'movie_scene_number',
    'o_counter',
    'organized',
    'performer_count',
    'play_count',
    'play_duration',
    'resume_time',
    'path',
    'perceptual_similarity',
    'random',
    'rating',
    'resolution',
    'studio',
    'tag_count',
    'performer_age',
  ],
  marker: ['random'],
};

const DEFAULT_SORT: Record<EntityKind, string> = { performer: 'name', tag: 'name', studio: 'name', scene: '', marker: 'title' };

/** The non-unique key Stash appends after the requested one (always ascending). */
function secondary(kind: EntityKind, row: RowOf<EntityKind>): [Key, Key] {
  switch (kind) {
    case 'performer':
      return [naturalKey((row as FakePerformer).name), 0];
    case 'studio':
      return [naturalKey((row as FakeStudio).name), 0];
    case 'tag': {
      const t = row as FakeTag;
      return [naturalKey(t.sort_name ?? t.name), naturalKey(t.name)];
    }
    case 'scene': {
      const s = row as FakeScene;
      // COALESCE(title, id): the id only stands in when the title is NULL, so '' titles all tie.
      return [naturalKey(s.title ?? String(s.id)), 0];
    }
    case 'marker': {
      const m = row as FakeMarker;
      return [m.sceneId, m.seconds];
    }
  }
}

function cmpKey(a: Key, b: Key): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

interface SortedView<R> {
  rows: R[];
  /** For each position, the first position of its tie group. */
  group: Int32Array;
  /** Per sortFields() getter, each row's value when the view was built. */
  snap: unknown[][];
}

type Getter = (r: never) => unknown;

/**
 * The row's own fields that this sort reads. Helpers and map writes invalidate caches through the
 * library version; comparing these catches rows a test edited in place without invalidate().
 */
function sortFields(kind: EntityKind, sort: string): Getter[] {
  if (sort === 'id' || sort === '') return [];
  const own: Record<string, Getter> = {
    updated_at: (r: { updated_at: string }) => r.updated_at,
    created_at: (r: { created_at: string }) => r.created_at,
    name: (r: FakePerformer) => r.name,
    title: (r: FakeScene) => r.title,
    date: (r: FakeScene) => r.date,
    seconds: (r: FakeMarker) => r.seconds,
    scene_id: (r: FakeMarker) => r.sceneId,
    scenes_updated_at: (r: FakeMarker) => r.sceneId,
  };
  const primary = own[sort];
  const list: Getter[] = primary ? [primary] : [];
  switch (kind) {
    case 'performer':
      return [...list, (r: FakePerformer) => r.name];
    case 'studio':
      return [...list, (r: FakeStudio) => r.name];
    case 'tag':
      return [...list, (r: FakeTag) => r.name, (r: FakeTag) => r.sort_name];
    case 'scene':
      return [...list, (r: FakeScene) => r.title];
    case 'marker':
      return [...list, (r: FakeMarker) => r.sceneId, (r: FakeMarker) => r.seconds, (r: FakeMarker) => r.primaryTagId];
  }
}

interface LibCache {
  version: number;
  sorted: Map<string, SortedView<unknown>>;
  children: Map<number, number[]> | null;
}

const caches = new WeakMap<FakeLibrary, LibCache>();

function cacheFor(lib: FakeLibrary): LibCache {
  let c = caches.get(lib);
  if (!c) {
    c = { version: lib.version, sorted: new Map(), children: null };
    caches.set(lib, c);
  } else if (c.version !== lib.version) {
    c.version = lib.version;
    c.sorted.clear();
    c.children = null;
  }
  return c;
}

function mapFor<K extends EntityKind>(lib: FakeLibrary, kind: K): Map<number, RowOf<K>> {
  switch (kind) {
    case 'performer':
      return lib.performers as Map<number, RowOf<K>>;
    case 'tag':
      return lib.tags as Map<number, RowOf<K>>;
    case 'studio':
      return lib.studios as Map<number, RowOf<K>>;
    case 'scene':
      return lib.scenes as Map<number, RowOf<K>>;
    default:
      return lib.markers as Map<number, RowOf<K>>;
  }
}

/** Validates the sort like Stash (before any filtering) and returns its key. */
export function resolveSort(kind: EntityKind, filter: FindFilterInput | null | undefined): string {
  const sort = filter?.sort ?? DEFAULT_SORT[kind];
  if (kind === 'scene' && sort === '') return '';
  if (Object.hasOwn(SORTS[kind], sort) && sort !== '') return sort;
  if (KNOWN_UNSUPPORTED[kind].includes(sort) || sort.startsWith('random_')) {
    throw new StashQueryError(`fake-stash does not support sort: ${sort}`);
  }
  throw new StashQueryError(`invalid sort: ${sort}`);
}

const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/** '+HH:MM' < '-HH:MM' < 'Z' as strings; within a sign, HH:MM text order is numeric order. */
function suffixCode(k: string): number {
  if (k.length === 20) return k.charCodeAt(19) === 90 ? 20_000 : -1;
  const sign = k.charCodeAt(19);
  if ((sign !== 43 && sign !== 45) || k.charCodeAt(22) !== 58) return -1;
  let hhmm = 0;
  for (const p of [20, 21, 23, 24]) {
    const d = k.charCodeAt(p) - 48;
    if (d < 0 || d > 9) return -1;
    hhmm = hhmm * 10 + d;
  }
  return (sign === 43 ? 0 : 10_000) + hhmm;
}

/**
 * Canonical stamps ('YYYY-MM-DDTHH:MM:SS' + 'Z' or '±HH:MM') as numbers with the same order as the
 * strings: the 14 digits, then the rank of the suffix. Null when any key is not canonical.
 */
function stampNumbers(keys: Key[]): Float64Array | null {
  const codes = new Int32Array(keys.length);
  const seen = new Set<number>();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (typeof k !== 'string' || (k.length !== 20 && k.length !== 25)) return null;
    if (k.charCodeAt(4) !== 45 || k.charCodeAt(7) !== 45 || k.charCodeAt(10) !== 84) return null;
    if (k.charCodeAt(13) !== 58 || k.charCodeAt(16) !== 58) return null;
    const code = suffixCode(k);
    if (code < 0) return null;
    codes[i] = code;
    seen.add(code);
  }
  if (seen.size > 64) return null;
  const rankOf = new Map([...seen].sort((a, b) => a - b).map((c, i) => [c, i] as const));
  const out = new Float64Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    let v = 0;
    for (const p of DIGIT_POSITIONS) {
      const d = k.charCodeAt(p) - 48;
      if (d < 0 || d > 9) return null;
      v = v * 10 + d;
    }
    out[i] = v * 64 + (rankOf.get(codes[i] as number) as number);
  }
  return out;
}

/**
 * Dense ranks of the keys in SQLite order (NULL, then numbers, then text by code unit), so the big
 * sort below is a counting sort instead of millions of comparator calls.
 */
function rankKeys(keys: Key[]): { ranks: Int32Array; distinct: number } {
  const ranks = new Int32Array(keys.length);
  const stamps = stampNumbers(keys);
  if (stamps) {
    const sorted = stamps.slice().sort();
    let distinct = 0;
    for (let i = 0; i < sorted.length; i++) {
      if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i] as number;
    }
    for (let i = 0; i < keys.length; i++) {
      const v = stamps[i] as number;
      let lo = 0;
      let hi = distinct - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((sorted[mid] as number) < v) lo = mid + 1;
        else hi = mid;
      }
      ranks[i] = lo;
    }
    return { ranks, distinct };
  }
  const strings = new Set<string>();
  const numbers = new Set<number>();
  let hasNull = false;
  for (const k of keys) {
    if (k === null) hasNull = true;
    else if (typeof k === 'number') numbers.add(k);
    else strings.add(k);
  }
  const order = new Map<Key, number>();
  let next = hasNull ? 1 : 0;
  for (const n of [...numbers].sort((a, b) => a - b)) order.set(n, next++);
  for (const t of [...strings].sort()) order.set(t, next++);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as Key;
    ranks[i] = k === null ? 0 : (order.get(k) as number);
  }
  return { ranks, distinct: next };
}

function sortedView<K extends EntityKind>(lib: FakeLibrary, kind: K, sort: string, desc: boolean): SortedView<RowOf<K>> {
  const cache = cacheFor(lib);
  const cacheKey = `${kind}|${sort}|${desc ? 'D' : 'A'}`;
  const hit = cache.sorted.get(cacheKey);
  if (hit) return hit as SortedView<RowOf<K>>;

  const spec = (SORTS[kind] as Record<string, SortSpec<RowOf<K>>>)[sort];
  if (!spec) throw new StashQueryError(`invalid sort: ${sort}`);
  const primary = spec.primary;
  const all = [...mapFor(lib, kind).values()];
  const n = all.length;
  const byId = (a: RowOf<K>, b: RowOf<K>) => a.id - b.id;

  let rows: RowOf<K>[];
  const group = new Int32Array(n);
  if (sort === 'id') {
    // Ids are unique: no secondary keys, no ties.
    rows = all.sort(desc ? (a, b) => b.id - a.id : byId);
    for (let i = 0; i < n; i++) group[i] = i;
  } else if (primary === null) {
    // No ORDER BY: the cached base order is by id and every row ties with every other.
    rows = all.sort(byId);
  } else {
    const { ranks, distinct } = rankKeys(all.map((r) => primary(r, lib)));
    // Counting sort by rank (descending ranks for DESC), then each bucket by the secondary keys.
    const starts = new Int32Array(distinct + 1);
    for (let i = 0; i < n; i++) {
      const r = ranks[i] as number;
      const slot = (desc ? distinct - 1 - r : r) + 1;
      starts[slot] = (starts[slot] as number) + 1;
    }
    for (let b = 0; b < distinct; b++) starts[b + 1] = (starts[b + 1] as number) + (starts[b] as number);
    const fill = starts.slice();
    rows = new Array<RowOf<K>>(n);
    for (let i = 0; i < n; i++) {
      const r = ranks[i] as number;
      const b = desc ? distinct - 1 - r : r;
      rows[fill[b] as number] = all[i] as RowOf<K>;
      fill[b] = (fill[b] as number) + 1;
    }
    for (let b = 0; b < distinct; b++) {
      const from = starts[b] as number;
      const to = starts[b + 1] as number;
      if (to - from === 1) {
        group[from] = from;
        continue;
      }
      const bucket = rows.slice(from, to).map((row) => {
        const [s1, s2] = secondary(kind, row);
        return { row, s1, s2 };
      });
      const tie = (a: (typeof bucket)[number], c: (typeof bucket)[number]) => cmpKey(a.s1, c.s1) || cmpKey(a.s2, c.s2);
      // The id only makes the cached base order deterministic; it is not a sort key Stash uses.
      bucket.sort((a, c) => tie(a, c) || a.row.id - c.row.id);
      for (let j = 0; j < bucket.length; j++) {
        const e = bucket[j] as (typeof bucket)[number];
        rows[from + j] = e.row;
        group[from + j] = j > 0 && tie(bucket[j - 1] as (typeof bucket)[number], e) === 0 ? (group[from + j - 1] as number) : from + j;
      }
    }
  }
  const snap = sortFields(kind, sort).map((get) => rows.map((r) => (get as (r: RowOf<K>) => unknown)(r)));
  const view: SortedView<RowOf<K>> = { rows, group, snap };
  cache.sorted.set(cacheKey, view);
  return view;
}

/** Builds the common orders ahead of the first request, so a benchmark does not time them. */
export function warmSortCaches(lib: FakeLibrary): void {
  for (const kind of ['performer', 'tag', 'studio', 'scene', 'marker'] as const) {
    for (const sort of ['id', 'updated_at']) sortedView(lib, kind, sort, false);
  }
}

// ---------------------------------------------------------------------------------------------
// Filtering

type Pred<R> = (r: R) => boolean;

function present<T>(v: T | null | undefined): v is T {
  return v !== null && v !== undefined;
}

/** Compared with the stored string character by character, exactly like SQLite on TEXT. */
function timestampPred(c: TimestampCriterion, lib: FakeLibrary, field: string): (v: string | null) => boolean {
  const value = c.value;
  // Stash fills a missing upper bound with "tomorrow" in the server's local time.
  const upper = c.value2 ?? clockFormat(lib.clock, lib.clock.epochMs + 86_400_000);
  switch (c.modifier) {
    case 'EQUALS':
      return (v) => v !== null && v === value;
    case 'NOT_EQUALS':
      return (v) => v !== null && v !== value;
    case 'GREATER_THAN':
      return (v) => v !== null && v > value;
    case 'LESS_THAN':
      return (v) => v !== null && v < value;
    case 'BETWEEN':
      return (v) => v !== null && v >= value && v <= upper;
    case 'NOT_BETWEEN':
      return (v) => v !== null && (v < value || v > upper);
    case 'IS_NULL':
      return (v) => v === null || v === '';
    case 'NOT_NULL':
      return (v) => v !== null && v !== '';
    default:
      throw new StashQueryError(`unsupported date modifier type ${c.modifier} (${field})`);
  }
}

function intPred(c: IntCriterion, field: string): (v: number) => boolean {
  const value = c.value;
  const upper = c.value2 ?? 0; // Stash binds 0 when value2 is missing
  switch (c.modifier) {
    case 'EQUALS':
      return (v) => v === value;
    case 'NOT_EQUALS':
      return (v) => v !== value;
    case 'GREATER_THAN':
      return (v) => v > value;
    case 'LESS_THAN':
      return (v) => v < value;
    case 'BETWEEN':
      return (v) => v >= value && v <= upper;
    case 'NOT_BETWEEN':
      return (v) => v < value || v > upper;
    case 'IS_NULL':
      return () => false;
    case 'NOT_NULL':
      return () => true;
    default:
      throw new StashQueryError(`unsupported int modifier type ${c.modifier} (${field})`);
  }
}

function parseIdList(ids: readonly string[] | null | undefined): number[] {
  return (ids ?? []).map(parseStashId);
}

/** Stash converts ids with strconv.Atoi and fails the query on anything else. */
export function parseStashId(id: string): number {
  if (!/^[+-]?\d+$/.test(id)) throw new StashQueryError(`strconv.Atoi: parsing ${JSON.stringify(id)}: invalid syntax`);
  return Number(id);
}

/** A single-valued foreign key (a marker's scene) against a MultiCriterionInput. */
function multiPred(c: MultiCriterion, field: string): (v: number) => boolean {
  const values = new Set(parseIdList(c.value));
  const excludes = new Set(parseIdList(c.excludes));
  const notExcluded = (v: number) => !excludes.has(v);
  switch (c.modifier) {
    case 'INCLUDES':
      return (v) => values.has(v) && notExcluded(v);
    case 'INCLUDES_ALL':
      // One scene per marker: "all of" can only hold for a single value.
      return (v) => values.size <= 1 && (values.size === 0 || values.has(v)) && notExcluded(v);
    case 'EXCLUDES':
      return (v) => !values.has(v) && notExcluded(v);
    case 'IS_NULL':
      return () => false;
    case 'NOT_NULL':
      return notExcluded;
    default:
      throw new StashQueryError(`unsupported multi criterion modifier ${c.modifier} (${field})`);
  }
}

function unsupportedField(kind: string, field: string): never {
  throw new StashQueryError(`fake-stash does not support the ${kind} filter field: ${field}`);
}

function and<R>(preds: Pred<R>[]): Pred<R> | null {
  if (preds.length === 0) return null;
  if (preds.length === 1) return preds[0] as Pred<R>;
  return (r) => preds.every((p) => p(r));
}

type Filter = Record<string, unknown>;

function timestampField<R>(out: Pred<R>[], lib: FakeLibrary, field: string, c: unknown, get: (r: R) => string | null): void {
  const p = timestampPred(c as TimestampCriterion, lib, field);
  out.push((r) => p(get(r)));
}

function simplePred<R extends { created_at: string; updated_at: string }>(kind: string, lib: FakeLibrary, f: Filter): Pred<R> | null {
  const preds: Pred<R>[] = [];
  for (const [field, c] of Object.entries(f)) {
    if (!present(c)) continue;
    if (field === 'updated_at') timestampField<R>(preds, lib, field, c, (r) => r.updated_at);
    else if (field === 'created_at') timestampField<R>(preds, lib, field, c, (r) => r.created_at);
    else unsupportedField(kind, field);
  }
  return and(preds);
}

function filePred(lib: FakeLibrary, f: Filter): Pred<FakeScene['files'][number]> | null {
  const preds: Pred<FakeScene['files'][number]>[] = [];
  for (const [field, c] of Object.entries(f)) {
    if (!present(c)) continue;
    if (field === 'updated_at') timestampField(preds, lib, field, c, (r) => r.updated_at);
    else unsupportedField('file', field);
  }
  return and(preds);
}

export function scenePred(lib: FakeLibrary, f: Filter): Pred<FakeScene> | null {
  const preds: Pred<FakeScene>[] = [];
  for (const [field, c] of Object.entries(f)) {
    if (!present(c)) continue;
    switch (field) {
      case 'id': {
        const p = intPred(c as IntCriterion, field);
        preds.push((s) => p(s.id));
        break;
      }
      case 'updated_at':
        timestampField<FakeScene>(preds, lib, field, c, (s) => s.updated_at);
        break;
      case 'created_at':
        timestampField<FakeScene>(preds, lib, field, c, (s) => s.created_at);
        break;
      case 'file_count': {
        const p = intPred(c as IntCriterion, field);
        preds.push((s) => p(s.files.length));
        break;
      }
      case 'files_filter': {
        const fp = filePred(lib, c as Filter);
        // Joined through scenes_files: a scene matches when any one of its files does. A scene
        // with no file matches too, whatever the criterion: measured against Stash v0.30.1, whose
        // files_filter on updated_at GREATER_THAN answered with every fileless scene of the library
        // (most likely its outer join leaves such a scene one row with a NULL file that the criterion
        // does not reject). Reproduced as observed, for any files_filter criterion.
        if (fp) preds.push((s) => s.files.length === 0 || s.files.some(fp));
        break;
      }
      default:
        unsupportedField('scene', field);
    }
  }
  return and(preds);
}

function markerPred(lib: FakeLibrary, f: Filter): Pred<FakeMarker> | null {
  const preds: Pred<FakeMarker>[] = [];
  const sceneOf = (m: FakeMarker) => lib.scenes.get(m.sceneId);
  for (const [field, c] of Object.entries(f)) {
    if (!present(c)) continue;
    switch (field) {
      case 'scenes': {
        const p = multiPred(c as MultiCriterion, field);
        preds.push((m) => p(m.sceneId));
        break;
      }
      case 'updated_at':
        timestampField<FakeMarker>(preds, lib, field, c, (m) => m.updated_at);
        break;
      case 'created_at':
        timestampField<FakeMarker>(preds, lib, field, c, (m) => m.created_at);
        break;
      case 'scene_updated_at':
        timestampField<FakeMarker>(preds, lib, field, c, (m) => sceneOf(m)?.updated_at ?? null);
        break;
      case 'scene_created_at':
        timestampField<FakeMarker>(preds, lib, field, c, (m) => sceneOf(m)?.created_at ?? null);
        break;
      case 'scene_filter': {
        const sp = scenePred(lib, c as Filter);
        if (sp) {
          preds.push((m) => {
            const s = sceneOf(m);
            return s !== undefined && sp(s);
          });
        }
        break;
      }
      default:
        unsupportedField('scene marker', field);
    }
  }
  return and(preds);
}

/** Stash's query string: every word must appear (case-insensitively) in one of the columns; '-word' in none. */
function searchPred<R>(q: string, columns: (r: R) => (string | null)[]): Pred<R> | null {
  const words = [...q.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '').filter((w) => w !== '' && w.toUpperCase() !== 'OR');
  if (words.length === 0) return null;
  const terms = words.map((w) =>
    w.startsWith('-') && w.length > 1 ? { neg: true, w: w.slice(1).toLowerCase() } : { neg: false, w: w.toLowerCase() },
  );
  return (r) => {
    const cols = columns(r).map((c) => (c ?? '').toLowerCase());
    return terms.every(({ neg, w }) => cols.some((c) => c.includes(w)) !== neg);
  };
}

function entityPred<K extends EntityKind>(
  lib: FakeLibrary,
  kind: K,
  entityFilter: Filter | null | undefined,
  q: string | null | undefined,
): Pred<RowOf<K>> | null {
  const preds: Pred<RowOf<K>>[] = [];
  if (entityFilter) {
    let p: Pred<never> | null;
    switch (kind) {
      case 'performer':
        p = simplePred<FakePerformer>('performer', lib, entityFilter);
        break;
      case 'tag':
        p = simplePred<FakeTag>('tag', lib, entityFilter);
        break;
      case 'studio':
        p = simplePred<FakeStudio>('studio', lib, entityFilter);
        break;
      case 'scene':
        p = scenePred(lib, entityFilter);
        break;
      default:
        p = markerPred(lib, entityFilter);
    }
    if (p) preds.push(p as Pred<RowOf<K>>);
  }
  if (present(q) && q !== '') {
    let p: Pred<never> | null;
    switch (kind) {
      case 'performer':
        p = searchPred<FakePerformer>(q, (r) => [r.name]);
        break;
      case 'tag':
        p = searchPred<FakeTag>(q, (r) => [r.name]);
        break;
      case 'studio':
        p = searchPred<FakeStudio>(q, (r) => [r.name]);
        break;
      case 'scene':
        p = searchPred<FakeScene>(q, (r) => [r.title, r.details]);
        break;
      default:
        p = searchPred<FakeMarker>(q, (r) => [r.title, lib.scenes.get(r.sceneId)?.title ?? null]);
    }
    if (p) preds.push(p as Pred<RowOf<K>>);
  }
  return and(preds);
}

// ---------------------------------------------------------------------------------------------
// Paging

function pageOf<R>(view: SortedView<R>, positions: Int32Array | null, start: number, end: number, ties: TieOptions): R[] {
  const at = positions === null ? (i: number) => i : (i: number) => positions[i] as number;
  const n = positions === null ? view.rows.length : positions.length;
  const out: R[] = [];
  if (ties.tieOrder === 'stable') {
    for (let i = start; i < end; i++) out.push(view.rows[at(i)] as R);
    return out;
  }
  const groupAt = (i: number) => view.group[at(i)] as number;
  let i = start;
  while (i < end) {
    const g = groupAt(i);
    let gs = i;
    if (i === start) while (gs > 0 && groupAt(gs - 1) === g) gs--;
    let ge = i + 1;
    while (ge < n && groupAt(ge) === g) ge++;
    if (ge - gs === 1) {
      out.push(view.rows[at(i)] as R);
      i++;
      continue;
    }
    // This request's order of the tie group: a partial Fisher-Yates up to the last row we need.
    const members: number[] = [];
    for (let k = gs; k < ge; k++) members.push(at(k));
    const need = Math.min(ge, end) - gs;
    for (let k = 0; k < need; k++) {
      const j = k + Math.floor(ties.rng() * (members.length - k));
      const tmp = members[k] as number;
      members[k] = members[j] as number;
      members[j] = tmp;
    }
    for (let k = i - gs; k < need; k++) out.push(view.rows[members[k] as number] as R);
    i = gs + need;
  }
  return out;
}

export interface FindResult<R> {
  count: number;
  rows: R[];
}

/**
 * Stash loads a page of markers' tags with one statement binding every marker id, and its SQLite
 * binds at most this many: a larger page of markers fails as a whole.
 */
export const MAX_MARKERS_PER_QUERY = 32_766;

function checkMarkerPage(kind: EntityKind, rows: number): void {
  if (kind === 'marker' && rows > MAX_MARKERS_PER_QUERY) throw new StashQueryError('too many SQL variables');
}

/** `ids` ignores every filter and paging; one missing (or repeated) id fails the whole query. */
export function findByIds<K extends EntityKind>(lib: FakeLibrary, kind: K, ids: readonly string[]): FindResult<RowOf<K>> {
  checkMarkerPage(kind, ids.length);
  const nums = ids.map(parseStashId);
  const map = mapFor(lib, kind);
  const seen = new Set<number>();
  const rows: RowOf<K>[] = [];
  for (const id of nums) {
    const row = map.get(id);
    // Stash fills result slots by the first index of each id, so a repeat is reported as missing.
    if (!row || seen.has(id)) throw new StashQueryError(`${ENTITY_LABEL[kind]} with id ${id} not found`);
    seen.add(id);
    rows.push(row);
  }
  return { count: rows.length, rows };
}

export function findRows<K extends EntityKind>(
  lib: FakeLibrary,
  kind: K,
  args: { filter?: FindFilterInput | null; entityFilter?: Filter | null; ids?: readonly string[] | null },
  ties: TieOptions,
): FindResult<RowOf<K>> {
  if (args.ids && args.ids.length > 0) return findByIds(lib, kind, args.ids);
  const filter = args.filter ?? {};
  const sort = resolveSort(kind, filter);
  const desc = filter.direction === 'DESC';
  // Built before running: an unsupported filter fails the query even on an empty table.
  const pred = entityPred(lib, kind, args.entityFilter, filter.q);

  for (let attempt = 0; ; attempt++) {
    const view = sortedView(lib, kind, sort, desc);
    // Filters always run over the live rows, so in-place edits are never answered from a stale result.
    let positions: Int32Array | null = null;
    if (pred) {
      const hits: number[] = [];
      for (let i = 0; i < view.rows.length; i++) if (pred(view.rows[i] as RowOf<K>)) hits.push(i);
      positions = Int32Array.from(hits);
    }
    const count = positions === null ? view.rows.length : positions.length;

    const perPage = filter.per_page ?? 25;
    let start: number;
    let end: number;
    if (perPage < 0) {
      start = 0;
      end = count;
    } else {
      const page = filter.page === null || filter.page === undefined || filter.page < 1 ? 1 : filter.page;
      start = Math.min(count, (page - 1) * perPage);
      end = Math.min(count, start + perPage);
    }
    checkMarkerPage(kind, end - start);
    if (attempt === 0 && view.snap.length > 0) {
      const getters = sortFields(kind, sort) as ((r: RowOf<K>) => unknown)[];
      let fresh = true;
      for (let i = start; i < end && fresh; i++) {
        const at = positions === null ? i : (positions[i] as number);
        const row = view.rows[at] as RowOf<K>;
        for (let g = 0; g < getters.length && fresh; g++) fresh = (getters[g] as (r: RowOf<K>) => unknown)(row) === view.snap[g]?.[at];
      }
      if (!fresh) {
        lib.invalidate();
        continue;
      }
    }
    return { count, rows: start < end ? pageOf(view, positions, start, end, ties) : [] };
  }
}

/** Children of each tag (tags listing it among their parents), cached per library version. */
export function tagChildren(lib: FakeLibrary, tagId: number): number[] {
  const cache = cacheFor(lib);
  if (!cache.children) {
    const idx = new Map<number, number[]>();
    for (const t of lib.tags.values()) {
      for (const p of t.parentIds) {
        let list = idx.get(p);
        if (!list) idx.set(p, (list = []));
        list.push(t.id);
      }
    }
    cache.children = idx;
  }
  return cache.children.get(tagId) ?? [];
}
