/**
 * Validates Stash's answers against the shapes our documents ask for, and turns them into mirror
 * rows. A page that does not validate fails the sync with MalformedResponseError before anything
 * from it is written. Schemas only check shapes; rows are mapped by plain functions afterwards,
 * which keeps validating 200k markers in the tens of milliseconds.
 *
 * Every string a row stores (or that is compared with a stored one, like a listing's updated_at)
 * passes through `text`, which drops NUL characters: PostgreSQL's text cannot hold them, and both
 * databases must hold the same values.
 */
import { z } from 'zod';
import type { EntityName, MarkerRow, PerformerRow, RowOf, RowVersion, SceneRow, StudioRow, TagRow } from '../mirror-rows';
import { MalformedResponseError } from './errors';

const ref = z.object({ id: z.string() });
const refs = z.array(ref);
const timestamp = z.string().min(1);

const performer = z.object({
  id: z.string(),
  name: z.string(),
  gender: z.string().nullable(),
  image_path: z.string().nullable(),
  favorite: z.boolean(),
  updated_at: timestamp,
  tags: refs,
});

const tag = z.object({ id: z.string(), name: z.string(), updated_at: timestamp, parents: refs, children: refs });

const studio = z.object({
  id: z.string(),
  name: z.string(),
  image_path: z.string().nullable(),
  updated_at: timestamp,
  parent_studio: ref.nullable(),
});

const file = z.object({ basename: z.string(), size: z.number().nonnegative(), duration: z.number(), updated_at: timestamp });

const scene = z.object({
  id: z.string(),
  title: z.string().nullable(),
  details: z.string().nullable(),
  date: z.string().nullable(),
  rating100: z.number().int().nullable(),
  organized: z.boolean(),
  updated_at: timestamp,
  studio: ref.nullable(),
  performers: refs,
  tags: refs,
  files: z.array(file),
});

const marker = z.object({
  id: z.string(),
  title: z.string(),
  seconds: z.number(),
  end_seconds: z.number().nullable(),
  updated_at: timestamp,
  scene: ref,
  primary_tag: ref,
  tags: refs,
});

const version = z.object({ id: z.string(), updated_at: timestamp });

/** How each entity appears on the wire: the query's root field and its list field. */
export const WIRE_FIELDS: Record<EntityName, { root: string; list: string; filterArg: string }> = {
  performers: { root: 'findPerformers', list: 'performers', filterArg: 'performer_filter' },
  tags: { root: 'findTags', list: 'tags', filterArg: 'tag_filter' },
  studios: { root: 'findStudios', list: 'studios', filterArg: 'studio_filter' },
  scenes: { root: 'findScenes', list: 'scenes', filterArg: 'scene_filter' },
  markers: { root: 'findSceneMarkers', list: 'scene_markers', filterArg: 'scene_marker_filter' },
};

export interface Page<T> {
  count: number;
  rows: T[];
}

/**
 * Plain decimal, as Stash writes ids: Number() would also take "1e2", "0x10", " 7 " or "007", and
 * two spellings of one id would be two rows to Stash and one to the mirror.
 */
const DECIMAL_ID = /^(?:0|[1-9][0-9]*)$/;

/** Stash ids are decimal strings of integers; the mirror stores integers. */
function toId(entity: EntityName, value: string): number {
  const id = Number(value);
  if (!DECIMAL_ID.test(value) || !Number.isSafeInteger(id)) {
    // Quoted as JSON so that control characters (a NUL) never reach the run's stored error.
    // A long value is not quoted at all: cut, it could end inside a key no redaction then recognises.
    const shown = value.length <= 40 ? JSON.stringify(value) : `of ${value.length} characters`;
    throw new MalformedResponseError(`${malformed(entity)}: id ${shown} is not a plain decimal integer`);
  }
  return id;
}

function malformed(entity: EntityName): string {
  return `Stash returned a malformed ${WIRE_FIELDS[entity].root} page`;
}

const NUL = '\u0000';

/** The string without NUL characters; the same string, unallocated, in the usual case of none. */
function text(value: string): string {
  return value.includes(NUL) ? value.replaceAll(NUL, '') : value;
}

function nullableText(value: string | null): string | null {
  return value === null ? null : text(value);
}

/** For fields Stash leaves empty rather than null (a date, an image path). */
function textOrNull(value: string | null): string | null {
  const stored = nullableText(value);
  return stored === '' ? null : stored;
}

type Wire<S extends z.ZodType> = z.infer<S>;

const MAPPERS = {
  performers: (p: Wire<typeof performer>): PerformerRow => ({
    id: toId('performers', p.id),
    name: text(p.name),
    gender: nullableText(p.gender),
    imagePath: textOrNull(p.image_path),
    favorite: p.favorite,
    tagIds: p.tags.map((r) => toId('performers', r.id)),
    stashUpdatedAt: text(p.updated_at),
  }),
  tags: (t: Wire<typeof tag>): TagRow => ({
    id: toId('tags', t.id),
    name: text(t.name),
    stashUpdatedAt: text(t.updated_at),
    parentIds: t.parents.map((r) => toId('tags', r.id)),
    childIds: t.children.map((r) => toId('tags', r.id)),
  }),
  studios: (s: Wire<typeof studio>): StudioRow => ({
    id: toId('studios', s.id),
    name: text(s.name),
    parentId: s.parent_studio ? toId('studios', s.parent_studio.id) : null,
    imagePath: textOrNull(s.image_path),
    stashUpdatedAt: text(s.updated_at),
  }),
  scenes: (s: Wire<typeof scene>): SceneRow => {
    const primary = s.files[0];
    let filesUpdatedAt: string | null = null;
    for (const f of s.files) if (filesUpdatedAt === null || f.updated_at > filesUpdatedAt) filesUpdatedAt = f.updated_at;
    return {
      id: toId('scenes', s.id),
      title: nullableText(s.title),
      date: textOrNull(s.date),
      details: nullableText(s.details),
      filesize: primary ? primary.size : null,
      duration: primary ? primary.duration : null,
      basename: primary ? textOrNull(primary.basename) : null,
      rating100: s.rating100,
      organized: s.organized,
      studioId: s.studio ? toId('scenes', s.studio.id) : null,
      performerIds: s.performers.map((r) => toId('scenes', r.id)),
      tagIds: s.tags.map((r) => toId('scenes', r.id)),
      stashUpdatedAt: text(s.updated_at),
      filesUpdatedAt: nullableText(filesUpdatedAt),
    };
  },
  markers: (m: Wire<typeof marker>): MarkerRow => ({
    id: toId('markers', m.id),
    sceneId: toId('markers', m.scene.id),
    title: text(m.title),
    seconds: m.seconds,
    endSeconds: m.end_seconds,
    primaryTagId: toId('markers', m.primary_tag.id),
    tagIds: m.tags.map((r) => toId('markers', r.id)),
    stashUpdatedAt: text(m.updated_at),
  }),
};

function pageSchema(entity: EntityName, row: z.ZodType) {
  const { root, list } = WIRE_FIELDS[entity];
  return z.object({ [root]: z.object({ count: z.number().int().nonnegative(), [list]: z.array(row) }) });
}

const rowPages: Record<EntityName, z.ZodType> = {
  performers: pageSchema('performers', performer),
  tags: pageSchema('tags', tag),
  studios: pageSchema('studios', studio),
  scenes: pageSchema('scenes', scene),
  markers: pageSchema('markers', marker),
};
const versionPages: Record<EntityName, z.ZodType> = {
  performers: pageSchema('performers', version),
  tags: pageSchema('tags', version),
  studios: pageSchema('studios', version),
  scenes: pageSchema('scenes', version),
  markers: pageSchema('markers', version),
};

/**
 * `asked`: the most rows the request may return (its per_page, or the number of ids asked for).
 * More is a server that does not page as asked: trusting it could mark rows stale or skip pages.
 */
function readPage<W, T>(entity: EntityName, schema: z.ZodType, data: unknown, asked: number, map: (row: W) => T): Page<T> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '?';
    throw new MalformedResponseError(`${malformed(entity)}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const { root, list } = WIRE_FIELDS[entity];
  const result = (parsed.data as Record<string, Record<string, unknown>>)[root]!;
  const rows = result[list] as W[];
  if (rows.length > asked) throw new MalformedResponseError(`${malformed(entity)}: ${rows.length} rows where at most ${asked} were asked for`);
  return { count: result.count as number, rows: rows.map(map) };
}

export function readRowPage<E extends EntityName>(entity: E, data: unknown, asked: number): Page<RowOf[E]> {
  return readPage(entity, rowPages[entity], data, asked, MAPPERS[entity] as unknown as (row: unknown) => RowOf[E]);
}

export function readVersionPage(entity: EntityName, data: unknown, asked: number): Page<RowVersion> {
  return readPage(entity, versionPages[entity], data, asked, (v: Wire<typeof version>) => ({
    id: toId(entity, v.id),
    stashUpdatedAt: text(v.updated_at),
  }));
}
