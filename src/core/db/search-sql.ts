/**
 * Marker search over the mirror, written once for both databases with drizzle's `sql` templates;
 * each store renders them for its dialect and supplies the few fragments that differ (full-text
 * matching, ranking, seeded random order, byte-order collation). Also the shared parts of keeping
 * the search index current: which markers need new documents, and what those documents say.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { MarkerQuery, MarkerTagFilter, TagFilter } from '../search/query';
import { searchDocument, searchWords } from '../search/text';

export interface SearchDialect {
  /** (marker_id, rank) of markers whose document matches every word as a prefix. */
  textHits(words: string[]): SQL;
  /** How rank orders best-first. */
  rankOrder: SQL;
  /**
   * A pseudo-random key per marker: the id scrambled by a multiplicative hash, then multiplied by
   * the seed's own factor modulo a prime, so each seed gives its own order. Every product stays
   * below 2^63 on both engines.
   */
  randomKey(seedFactor: number): SQL;
  /** Compares text byte by byte, as SQLite does by default, so orders match on both engines. */
  bytewise(expr: SQL): SQL;
  /** How the matched-markers CTE is computed: SQLite plans better from a materialized set. */
  matchedCte: SQL;
}

type TagRefs = NonNullable<TagFilter['any']>;

/** The tags a set of references stands for, sub-tags included where asked. */
function tagSet(refs: TagRefs): SQL {
  const withSubtags = refs.filter((r) => r.withSubtags).map((r) => r.id);
  const plain = refs.filter((r) => !r.withSubtags).map((r) => r.id);
  const parts: SQL[] = [];
  if (withSubtags.length) parts.push(sql`SELECT descendant_id FROM stash_tag_closure WHERE ancestor_id IN ${withSubtags}`);
  if (plain.length) parts.push(sql`SELECT id FROM stash_tags WHERE id IN ${plain}`);
  return sql.join(parts, sql` UNION `);
}

// Filters on relations are written as `column IN (SELECT … WHERE key IN set)`: the database reads
// the few matching join rows through their index once, instead of probing the join table for each
// of 200,000 markers (which is what a correlated EXISTS does).

function markerHasTag(refs: TagRefs, on: MarkerTagFilter['on']): SQL {
  const set = tagSet(refs);
  const primary = sql`m.primary_tag_id IN (${set})`;
  if (on === 'primary') return primary;
  return sql`(${primary} OR m.id IN (SELECT smt.marker_id FROM stash_scene_marker_tags smt WHERE smt.tag_id IN (${set})))`;
}

function sceneHasTag(refs: TagRefs): SQL {
  return sql`m.scene_id IN (SELECT sst.scene_id FROM stash_scene_tags sst WHERE sst.tag_id IN (${tagSet(refs)}))`;
}

function sceneHasPerformer(ids: number[]): SQL {
  return sql`m.scene_id IN (SELECT ssp.scene_id FROM stash_scene_performers ssp WHERE ssp.performer_id IN ${ids})`;
}

/** any / all / none over one kind of match. */
function setConditions<T>(filter: { any?: T[]; all?: T[]; none?: T[] } | undefined, match: (items: T[]) => SQL): SQL[] {
  if (!filter) return [];
  const conditions: SQL[] = [];
  if (filter.any?.length) conditions.push(match(filter.any));
  for (const item of filter.all ?? []) conditions.push(match([item]));
  if (filter.none?.length) conditions.push(sql`NOT ${match(filter.none)}`);
  return conditions;
}

function rangeConditions(expr: SQL, range: { min?: number; max?: number } | undefined): SQL[] {
  const conditions: SQL[] = [];
  if (range?.min !== undefined) conditions.push(sql`${expr} >= ${range.min}`);
  if (range?.max !== undefined) conditions.push(sql`${expr} <= ${range.max}`);
  return conditions;
}

export interface SearchPlan {
  /** FROM … WHERE … for the matching markers, aliases m (marker), s (scene), pt (primary tag), hits. */
  from: SQL;
  order: SQL;
}

export function planSearch(q: MarkerQuery, d: SearchDialect): SearchPlan {
  const words = searchWords(q.text);
  const conditions: SQL[] = [sql`NOT m.is_stale`];
  conditions.push(...setConditions(q.markerTags, (refs) => markerHasTag(refs, q.markerTags?.on ?? 'primaryOrSecondary')));
  conditions.push(...setConditions(q.sceneTags, sceneHasTag));
  conditions.push(...setConditions(q.performers, (ids: number[]) => sceneHasPerformer(ids)));
  if (q.performerGenders?.length) {
    conditions.push(sql`m.scene_id IN (SELECT gsp.scene_id FROM stash_scene_performers gsp
      JOIN stash_performers gp ON gp.id = gsp.performer_id AND NOT gp.is_stale WHERE gp.gender IN ${q.performerGenders})`);
  }
  if (q.sceneDate?.from) conditions.push(sql`s.date >= ${q.sceneDate.from}`);
  // A partial bound covers its whole period: to '2021-05' takes '2021-05-31' (and '2021' itself).
  if (q.sceneDate?.to) conditions.push(sql`(s.date <= ${q.sceneDate.to} OR s.date LIKE ${`${q.sceneDate.to}-%`})`);
  conditions.push(...rangeConditions(sql`s.duration`, q.sceneDuration));
  conditions.push(...rangeConditions(sql`(m.end_seconds - m.seconds)`, q.markerLength));
  if (q.hasEnd !== undefined) conditions.push(q.hasEnd ? sql`m.end_seconds IS NOT NULL` : sql`m.end_seconds IS NULL`);

  const hits = words.length ? sql`JOIN (${d.textHits(words)}) hits ON hits.marker_id = m.id` : sql``;
  const from = sql`FROM stash_scene_markers m
    JOIN stash_scenes s ON s.id = m.scene_id AND NOT s.is_stale
    ${hits}
    WHERE ${sql.join(conditions, sql` AND `)}`;
  return { from, order: orderBy(q, d, words.length > 0) };
}

const DEFAULT_DIRECTION: Record<MarkerQuery['sort'], 'asc' | 'desc'> = {
  relevance: 'asc',
  sceneDate: 'desc',
  sceneTitle: 'asc',
  position: 'asc',
  length: 'desc',
  updated: 'desc',
  random: 'asc',
};

const SEED_PRIME = 2_147_483_629;

/** A multiplier in [1, 2^31) for the seed, the same for the same seed on every engine. */
export function seedFactor(seed: number): number {
  const mixed = (((seed % SEED_PRIME) + SEED_PRIME) % SEED_PRIME) * 40_503 + 12_345;
  return (mixed % SEED_PRIME) + 1;
}

function orderBy(q: MarkerQuery, d: SearchDialect, hasText: boolean): SQL {
  const dir = sql.raw((q.direction ?? DEFAULT_DIRECTION[q.sort]).toUpperCase());
  const nullsLast = (expr: SQL) => sql`CASE WHEN ${expr} IS NULL THEN 1 ELSE 0 END, ${expr} ${dir}`;
  let keys: SQL;
  switch (q.sort) {
    case 'relevance':
      keys = hasText ? sql`hits.rank ${d.rankOrder}` : sql`m.id ASC`;
      break;
    case 'sceneDate':
      keys = nullsLast(d.bytewise(sql`s.date`));
      break;
    case 'sceneTitle':
      keys = nullsLast(d.bytewise(sql`s.title`));
      break;
    case 'position':
      keys = sql`m.scene_id ${dir}, m.seconds ${dir}`;
      break;
    case 'length':
      keys = nullsLast(sql`(m.end_seconds - m.seconds)`);
      break;
    case 'updated':
      keys = sql`${d.bytewise(sql`m.stash_updated_at`)} ${dir}`;
      break;
    case 'random':
      keys = sql`${d.randomKey(seedFactor(q.seed))} ${dir}`;
      break;
  }
  return sql`ORDER BY ${keys}, m.id ASC`;
}

export function pageQuery(plan: SearchPlan, q: MarkerQuery): SQL {
  return sql`SELECT m.id, m.title, m.seconds, m.end_seconds, m.primary_tag_id, m.scene_id, s.title AS scene_title, s.date AS scene_date
    ${plan.from} ${plan.order} LIMIT ${q.perPage} OFFSET ${(q.page - 1) * q.perPage}`;
}

/**
 * The matching markers computed once per statement, before any join: left to itself the planner
 * folds the filters into each facet's join and starts from the facet's table.
 */
function matched(plan: SearchPlan, d: SearchDialect): SQL {
  return sql`WITH matched AS ${d.matchedCte} (SELECT m.id AS marker_id, m.scene_id, m.primary_tag_id ${plan.from})`;
}

export function countQuery(plan: SearchPlan, d: SearchDialect): SQL {
  return sql`${matched(plan, d)} SELECT count(*) AS n FROM matched`;
}

/** Counts per facet over the whole result, best first, ties by name (byte order) then id. */
export function facetQueries(plan: SearchPlan, limit: number, d: SearchDialect) {
  const run = (join: SQL) => sql`${matched(plan, d)} SELECT f.id, f.name, count(*) AS n
    FROM matched
    ${join}
    GROUP BY f.id, f.name
    ORDER BY n DESC, ${d.bytewise(sql`f.name`)} ASC, f.id ASC
    LIMIT ${limit}`;
  return {
    primaryTags: run(sql`JOIN stash_tags f ON f.id = matched.primary_tag_id`),
    performers: run(sql`JOIN stash_scene_performers fsp ON fsp.scene_id = matched.scene_id
      JOIN stash_performers f ON f.id = fsp.performer_id AND NOT f.is_stale`),
    sceneTags: run(sql`JOIN stash_scene_tags fst ON fst.scene_id = matched.scene_id
      JOIN stash_tags f ON f.id = fst.tag_id AND NOT f.is_stale`),
  };
}

/** Secondary tags of the page's markers, and performers of their scenes, for the hits. */
export function hitDetailsQueries(markerIds: number[], sceneIds: number[]) {
  return {
    tags: sql`SELECT smt.marker_id AS owner, t.id, t.name FROM stash_scene_marker_tags smt
      JOIN stash_tags t ON t.id = smt.tag_id AND NOT t.is_stale WHERE smt.marker_id IN ${markerIds}`,
    performers: sql`SELECT ssp.scene_id AS owner, p.id, p.name FROM stash_scene_performers ssp
      JOIN stash_performers p ON p.id = ssp.performer_id AND NOT p.is_stale WHERE ssp.scene_id IN ${sceneIds}`,
    primaryTags: sql`SELECT id, name FROM stash_tags WHERE id IN (SELECT primary_tag_id FROM stash_scene_markers WHERE id IN ${markerIds})`,
  };
}

// --- Keeping the index current -------------------------------------------------------------------

/** Every (ancestor, descendant) pair of live tags; UNION (not UNION ALL) makes cycles terminate. */
export const REBUILD_TAG_CLOSURE = [
  sql`DELETE FROM stash_tag_closure`,
  sql`WITH RECURSIVE closure(ancestor_id, descendant_id) AS (
      SELECT id, id FROM stash_tags WHERE NOT is_stale
      UNION
      SELECT closure.ancestor_id, e.child_id FROM closure
        JOIN stash_tag_parents e ON e.parent_id = closure.descendant_id
        JOIN stash_tags t ON t.id = e.child_id AND NOT t.is_stale
    )
    INSERT INTO stash_tag_closure (ancestor_id, descendant_id) SELECT ancestor_id, descendant_id FROM closure`,
];

/**
 * Markers whose document may have changed since the index was last built: the marker itself, its
 * scene, one of its tags or one of its scene's performers was written by a sync since then.
 * `since` is a time as the store writes synced_at.
 */
export function markersToIndex(since: unknown | null): SQL {
  // In scene order, so a scene's markers share a batch and its text is normalized once.
  if (since === null) return sql`SELECT id FROM stash_scene_markers WHERE NOT is_stale ORDER BY scene_id, id`;
  return sql`SELECT id FROM stash_scene_markers WHERE id IN (
      SELECT id FROM stash_scene_markers WHERE synced_at >= ${since}
      UNION SELECT m.id FROM stash_scene_markers m JOIN stash_scenes s ON s.id = m.scene_id WHERE s.synced_at >= ${since}
      UNION SELECT m.id FROM stash_scene_markers m JOIN stash_tags t ON t.id = m.primary_tag_id WHERE t.synced_at >= ${since}
      UNION SELECT smt.marker_id FROM stash_scene_marker_tags smt JOIN stash_tags t ON t.id = smt.tag_id WHERE t.synced_at >= ${since}
      UNION SELECT m.id FROM stash_scene_markers m JOIN stash_scene_performers ssp ON ssp.scene_id = m.scene_id
        JOIN stash_performers p ON p.id = ssp.performer_id WHERE p.synced_at >= ${since}
    ) ORDER BY scene_id, id`;
}

export interface SearchDocument {
  marker_id: number;
  title: string;
  tags: string;
  scene: string;
  performers: string;
}

/** What the store reads to build the documents of a batch of markers. */
export interface DocumentSource {
  all<T>(query: SQL): Promise<T[]>;
}

/** Builds the searchable words of each marker, from the mirror as it is now. */
export async function buildDocuments(source: DocumentSource, markerIds: number[], names: { tags: Map<number, string>; performers: Map<number, string> }): Promise<SearchDocument[]> {
  if (markerIds.length === 0) return [];
  const markers = await source.all<{ id: number; title: string; primary_tag_id: number; scene_id: number }>(
    sql`SELECT id, title, primary_tag_id, scene_id FROM stash_scene_markers WHERE id IN ${markerIds} AND NOT is_stale`,
  );
  if (markers.length === 0) return [];
  const sceneIds = [...new Set(markers.map((m) => m.scene_id))];
  const [secondary, scenes, performers] = await Promise.all([
    source.all<{ marker_id: number; tag_id: number }>(
      sql`SELECT marker_id, tag_id FROM stash_scene_marker_tags WHERE marker_id IN ${markers.map((m) => m.id)}`,
    ),
    source.all<{ id: number; title: string | null; details: string | null }>(
      sql`SELECT id, title, details FROM stash_scenes WHERE id IN ${sceneIds}`,
    ),
    source.all<{ scene_id: number; performer_id: number }>(
      sql`SELECT scene_id, performer_id FROM stash_scene_performers WHERE scene_id IN ${sceneIds}`,
    ),
  ]);
  const tagsOf = group(secondary, (r) => r.marker_id, (r) => names.tags.get(r.tag_id));
  const performersOf = group(performers, (r) => r.scene_id, (r) => names.performers.get(r.performer_id));
  const sceneText = new Map(scenes.map((s) => [s.id, searchDocument(s.title, s.details)]));
  const performerText = new Map(sceneIds.map((id) => [id, searchDocument(...(performersOf.get(id) ?? []))]));
  return markers.map((m) => ({
    marker_id: m.id,
    title: searchDocument(m.title),
    tags: searchDocument(names.tags.get(m.primary_tag_id), ...(tagsOf.get(m.id) ?? [])),
    scene: sceneText.get(m.scene_id) ?? '',
    performers: performerText.get(m.scene_id) ?? '',
  }));
}

function group<R>(rows: R[], key: (r: R) => number, value: (r: R) => string | undefined): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const row of rows) {
    const v = value(row);
    if (v === undefined) continue;
    const list = map.get(key(row));
    if (list) list.push(v);
    else map.set(key(row), [v]);
  }
  return map;
}

/** What a store provides so the shared refresh and search can run on it. */
export interface SearchStorage extends DocumentSource {
  /** Statements in one of the sync's write transactions. */
  writeStatements(statements: SQL[]): Promise<void>;
  /** Replaces the documents of these markers; `fresh` when the index was emptied first. */
  writeDocuments(documents: SearchDocument[], fresh: boolean): Promise<void>;
  /** Empties the index before it is built from scratch. */
  clearDocuments(): Promise<void>;
  /** When the index was last brought up to date, as the store writes synced_at; null if never. */
  indexedSince(): Promise<unknown | null>;
  markIndexed(at: unknown): Promise<void>;
  /** The current time as the store writes synced_at. */
  now(): unknown;
  /** After a large re-index: merge the full-text index's segments, refresh planner statistics. */
  optimize(): Promise<void>;
}

const INDEX_BATCH = 5000;
/** Re-indexing more markers than this in one run is followed by optimize(). */
const OPTIMIZE_AFTER = 20_000;

/** Rebuilds the tag closure and re-indexes every marker whose words may have changed. */
export async function refreshSearchIndex(storage: SearchStorage): Promise<number> {
  const startedAt = storage.now();
  await storage.writeStatements(REBUILD_TAG_CLOSURE);
  const since = await storage.indexedSince();
  const fresh = since === null;
  if (fresh) await storage.clearDocuments();
  const ids = (await storage.all<{ id: number }>(markersToIndex(since))).map((r) => r.id);
  if (ids.length > 0) {
    const names = {
      tags: new Map((await storage.all<{ id: number; name: string }>(sql`SELECT id, name FROM stash_tags`)).map((t) => [t.id, t.name])),
      performers: new Map(
        (await storage.all<{ id: number; name: string }>(sql`SELECT id, name FROM stash_performers`)).map((p) => [p.id, p.name]),
      ),
    };
    for (let i = 0; i < ids.length; i += INDEX_BATCH) {
      await storage.writeDocuments(await buildDocuments(storage, ids.slice(i, i + INDEX_BATCH), names), fresh);
    }
  }
  if (ids.length > OPTIMIZE_AFTER) await storage.optimize();
  await storage.markIndexed(startedAt);
  return ids.length;
}

/** Runs a search: the page, its total and its facets. Call inside one read snapshot. */
export async function executeSearch(source: DocumentSource, q: MarkerQuery, d: SearchDialect) {
  // One query at a time: a snapshot is one connection, which runs statements in turn anyway.
  const plan = planSearch(q, d);
  type Row = { id: number; title: string; seconds: number; end_seconds: number | null; primary_tag_id: number; scene_id: number; scene_title: string | null; scene_date: string | null };
  type FacetRow = { id: number; name: string; n: number };
  const rows = await source.all<Row>(pageQuery(plan, q));
  const [count] = await source.all<{ n: number }>(countQuery(plan, d));
  const facetSql = facetQueries(plan, q.facetLimit, d);
  const facetRows = async (query: SQL) => (q.facetLimit > 0 ? source.all<FacetRow>(query) : []);
  const primaryTags = await facetRows(facetSql.primaryTags);
  const performers = await facetRows(facetSql.performers);
  const sceneTags = await facetRows(facetSql.sceneTags);
  const markerIds = rows.map((r) => r.id);
  const sceneIds = [...new Set(rows.map((r) => r.scene_id))];
  type Named = { owner: number; id: number; name: string };
  let tagRows: Named[] = [];
  let performerRows: Named[] = [];
  let primaryRows: { id: number; name: string }[] = [];
  if (markerIds.length) {
    const details = hitDetailsQueries(markerIds, sceneIds);
    tagRows = await source.all<Named>(details.tags);
    performerRows = await source.all<Named>(details.performers);
    primaryRows = await source.all<{ id: number; name: string }>(details.primaryTags);
  }
  const byName = (a: { name: string; id: number }, b: { name: string; id: number }) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id;
  const owned = (list: Named[]) => {
    const map = new Map<number, { id: number; name: string }[]>();
    for (const r of list) map.set(r.owner, [...(map.get(r.owner) ?? []), { id: r.id, name: r.name }]);
    for (const v of map.values()) v.sort(byName);
    return map;
  };
  const tagsOf = owned(tagRows);
  const performersOf = owned(performerRows);
  const primaryName = new Map(primaryRows.map((t) => [t.id, t.name]));
  const facet = (list: FacetRow[]) => list.map((f) => ({ id: f.id, name: f.name, count: Number(f.n) }));
  return {
    total: Number(count?.n ?? 0),
    page: q.page,
    perPage: q.perPage,
    hits: rows.map((r) => ({
      id: r.id,
      title: r.title,
      seconds: r.seconds,
      endSeconds: r.end_seconds,
      primaryTag: { id: r.primary_tag_id, name: primaryName.get(r.primary_tag_id) ?? '' },
      tags: tagsOf.get(r.id) ?? [],
      scene: { id: r.scene_id, title: r.scene_title, date: r.scene_date },
      performers: performersOf.get(r.scene_id) ?? [],
      urls: null,
    })),
    facets: { primaryTags: facet(primaryTags), performers: facet(performers), sceneTags: facet(sceneTags) },
  };
}
