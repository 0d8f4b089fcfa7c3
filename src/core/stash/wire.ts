/**
 * Validates Stash's answers against the shapes our documents ask for, and turns them into mirror
 * rows. A page that does not validate fails the sync with MalformedResponseError before anything
 * from it is written.
 */
import { z } from 'zod';
import type {
  EntityName,
  MarkerRow,
  PerformerRow,
  RowOf,
  RowVersion,
  SceneRow,
  TagRow,
} from '../mirror-rows';
import { MalformedResponseError } from './errors';

const id = z.string().regex(/^\d+$/, 'expected a numeric id').transform(Number);
const ref = z.object({ id });
const refIds = z.array(ref).transform((refs) => refs.map((r) => r.id));
const timestamp = z.string().min(1);
const emptyAsNull = z
  .string()
  .nullable()
  .transform((s) => (s === '' ? null : s));

const performer = z
  .object({
    id,
    name: z.string(),
    gender: z.string().nullable(),
    image_path: emptyAsNull,
    updated_at: timestamp,
  })
  .transform(
    (p): PerformerRow => ({
      id: p.id,
      name: p.name,
      gender: p.gender,
      imagePath: p.image_path,
      stashUpdatedAt: p.updated_at,
    }),
  );

const tag = z
  .object({ id, name: z.string(), updated_at: timestamp, parents: refIds, children: refIds })
  .transform(
    (t): TagRow => ({
      id: t.id,
      name: t.name,
      stashUpdatedAt: t.updated_at,
      parentIds: t.parents,
      childIds: t.children,
    }),
  );

const file = z.object({ size: z.number().nonnegative(), duration: z.number(), updated_at: timestamp });

const scene = z
  .object({
    id,
    title: z.string().nullable(),
    details: z.string().nullable(),
    date: z.string().nullable(),
    updated_at: timestamp,
    performers: refIds,
    tags: refIds,
    files: z.array(file),
  })
  .transform((s): SceneRow => {
    const primary = s.files[0];
    let filesUpdatedAt: string | null = null;
    for (const f of s.files) if (filesUpdatedAt === null || f.updated_at > filesUpdatedAt) filesUpdatedAt = f.updated_at;
    return {
      id: s.id,
      title: s.title,
      date: s.date === '' ? null : s.date,
      details: s.details,
      filesize: primary ? primary.size : null,
      duration: primary ? primary.duration : null,
      performerIds: s.performers,
      tagIds: s.tags,
      stashUpdatedAt: s.updated_at,
      filesUpdatedAt,
    };
  });

const marker = z
  .object({
    id,
    title: z.string(),
    seconds: z.number(),
    end_seconds: z.number().nullable(),
    updated_at: timestamp,
    scene: ref,
    primary_tag: ref,
    tags: refIds,
  })
  .transform(
    (m): MarkerRow => ({
      id: m.id,
      sceneId: m.scene.id,
      title: m.title,
      seconds: m.seconds,
      endSeconds: m.end_seconds,
      primaryTagId: m.primary_tag.id,
      tagIds: m.tags,
      stashUpdatedAt: m.updated_at,
    }),
  );

const version = z
  .object({ id, updated_at: timestamp })
  .transform((v): RowVersion => ({ id: v.id, stashUpdatedAt: v.updated_at }));

/** How each entity appears on the wire: the query's root field and its list field. */
export const WIRE_FIELDS: Record<EntityName, { root: string; list: string; filterArg: string }> = {
  performers: { root: 'findPerformers', list: 'performers', filterArg: 'performer_filter' },
  tags: { root: 'findTags', list: 'tags', filterArg: 'tag_filter' },
  scenes: { root: 'findScenes', list: 'scenes', filterArg: 'scene_filter' },
  markers: { root: 'findSceneMarkers', list: 'scene_markers', filterArg: 'scene_marker_filter' },
};

export interface Page<T> {
  count: number;
  rows: T[];
}

function pageSchema<T extends z.ZodType>(entity: EntityName, row: T) {
  const { root, list } = WIRE_FIELDS[entity];
  return z.object({
    [root]: z.object({ count: z.number().int().nonnegative(), [list]: z.array(row) }),
  });
}

const rowPages: Record<EntityName, z.ZodType> = {
  performers: pageSchema('performers', performer),
  tags: pageSchema('tags', tag),
  scenes: pageSchema('scenes', scene),
  markers: pageSchema('markers', marker),
};
const versionPages: Record<EntityName, z.ZodType> = {
  performers: pageSchema('performers', version),
  tags: pageSchema('tags', version),
  scenes: pageSchema('scenes', version),
  markers: pageSchema('markers', version),
};

function readPage<T>(entity: EntityName, schema: z.ZodType, data: unknown): Page<T> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '?';
    throw new MalformedResponseError(
      `Stash returned a malformed ${WIRE_FIELDS[entity].root} page: ${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const { root, list } = WIRE_FIELDS[entity];
  const result = (parsed.data as Record<string, Record<string, unknown>>)[root]!;
  return { count: result.count as number, rows: result[list] as T[] };
}

export function readRowPage<E extends EntityName>(entity: E, data: unknown): Page<RowOf[E]> {
  return readPage(entity, rowPages[entity], data);
}

export function readVersionPage(entity: EntityName, data: unknown): Page<RowVersion> {
  return readPage(entity, versionPages[entity], data);
}
