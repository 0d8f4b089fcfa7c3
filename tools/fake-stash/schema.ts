/**
 * The executable schema: stash-subset.graphql plus resolvers that read the live FakeLibrary.
 * Resolvers are synchronous and work on the library's own row objects, so graphql-js does no
 * per-row copying or promise handling.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLFieldResolver, GraphQLObjectType, type GraphQLSchema } from 'graphql';
import type { FakeLibrary, FakeMarker, FakePerformer, FakeScene, FakeStudio, FakeTag } from './library';
import { type FindFilterInput, findRows, tagChildren, type TieOptions } from './query';

export const SUBSET_SCHEMA_PATH = fileURLToPath(new URL('./stash-subset.graphql', import.meta.url));

export const STASH_VERSION = { version: 'v0.30.1', hash: 'c1b2f2a9', build_time: '2025-06-01 10:00:00' } as const;
export const STASH_APP_SCHEMA = 75;

export interface ExecContext {
  lib: FakeLibrary;
  origin: string;
  ties: TieOptions;
}

type Resolver = GraphQLFieldResolver<never, ExecContext, never>;
type Args = {
  filter?: FindFilterInput | null;
  ids?: string[] | null;
  performer_filter?: Record<string, unknown> | null;
  tag_filter?: Record<string, unknown> | null;
  studio_filter?: Record<string, unknown> | null;
  scene_filter?: Record<string, unknown> | null;
  scene_marker_filter?: Record<string, unknown> | null;
};

function existing<T>(ids: readonly number[], map: Map<number, T>): T[] {
  const out: T[] = [];
  for (const id of ids) {
    const row = map.get(id);
    if (row) out.push(row);
  }
  return out;
}

const resolvers: Record<string, Record<string, Resolver>> = {
  Query: {
    version: () => STASH_VERSION,
    systemStatus: () => ({ status: 'OK', appSchema: STASH_APP_SCHEMA }),
    findPerformers: (_s: unknown, a: Args, ctx: ExecContext) => {
      const r = findRows(ctx.lib, 'performer', { filter: a.filter, entityFilter: a.performer_filter, ids: a.ids }, ctx.ties);
      return { count: r.count, performers: r.rows };
    },
    findTags: (_s: unknown, a: Args, ctx: ExecContext) => {
      const r = findRows(ctx.lib, 'tag', { filter: a.filter, entityFilter: a.tag_filter, ids: a.ids }, ctx.ties);
      return { count: r.count, tags: r.rows };
    },
    findStudios: (_s: unknown, a: Args, ctx: ExecContext) => {
      const r = findRows(ctx.lib, 'studio', { filter: a.filter, entityFilter: a.studio_filter, ids: a.ids }, ctx.ties);
      return { count: r.count, studios: r.rows };
    },
    findScenes: (_s: unknown, a: Args, ctx: ExecContext) => {
      const r = findRows(ctx.lib, 'scene', { filter: a.filter, entityFilter: a.scene_filter, ids: a.ids }, ctx.ties);
      return { count: r.count, scenes: r.rows };
    },
    findSceneMarkers: (_s: unknown, a: Args, ctx: ExecContext) => {
      const r = findRows(ctx.lib, 'marker', { filter: a.filter, entityFilter: a.scene_marker_filter, ids: a.ids }, ctx.ties);
      return { count: r.count, scene_markers: r.rows };
    },
  },
  Performer: {
    image_path: (p: FakePerformer, _a: unknown, ctx: ExecContext) => performerImagePath(p, ctx.origin),
    tags: (p: FakePerformer, _a: unknown, ctx: ExecContext) => existing(p.tagIds, ctx.lib.tags),
  },
  Studio: {
    parent_studio: (s: FakeStudio, _a: unknown, ctx: ExecContext) => (s.parentId === null ? null : (ctx.lib.studios.get(s.parentId) ?? null)),
    image_path: (s: FakeStudio, _a: unknown, ctx: ExecContext) => studioImagePath(s, ctx.origin),
  },
  Tag: {
    parents: (t: FakeTag, _a: unknown, ctx: ExecContext) => existing(t.parentIds, ctx.lib.tags),
    children: (t: FakeTag, _a: unknown, ctx: ExecContext) => existing(tagChildren(ctx.lib, t.id), ctx.lib.tags),
  },
  Scene: {
    performers: (s: FakeScene, _a: unknown, ctx: ExecContext) => existing(s.performerIds, ctx.lib.performers),
    tags: (s: FakeScene, _a: unknown, ctx: ExecContext) => existing(s.tagIds, ctx.lib.tags),
    studio: (s: FakeScene, _a: unknown, ctx: ExecContext) => (s.studioId === null ? null : (ctx.lib.studios.get(s.studioId) ?? null)),
  },
  SceneMarker: {
    scene: (m: FakeMarker, _a: unknown, ctx: ExecContext) => ctx.lib.scenes.get(m.sceneId) ?? null,
    primary_tag: (m: FakeMarker, _a: unknown, ctx: ExecContext) => ctx.lib.tags.get(m.primaryTagId) ?? null,
    // The primary tag is never listed among a marker's tags.
    tags: (m: FakeMarker, _a: unknown, ctx: ExecContext) =>
      existing(
        m.tagIds.filter((id) => id !== m.primaryTagId),
        ctx.lib.tags,
      ),
  },
};

let cached: GraphQLSchema | null = null;

export function subsetSdl(): string {
  return readFileSync(SUBSET_SCHEMA_PATH, 'utf8');
}

/** Built once per process; all servers share it and differ only in their context. */
export function fakeSchema(): GraphQLSchema {
  if (cached) return cached;
  const schema = buildSchema(subsetSdl());
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType)) throw new Error(`schema has no object type ${typeName}`);
    const defs = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const def = defs[fieldName];
      if (!def) throw new Error(`schema has no field ${typeName}.${fieldName}`);
      def.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
    }
  }
  cached = schema;
  return schema;
}

/** Stash appends the row's updated_at as a cache buster, and marks the generated placeholder. */
export function performerImagePath(p: FakePerformer, origin: string): string {
  const t = Math.floor(Date.parse(p.updated_at) / 1000);
  return `${origin}/performer/${p.id}/image?t=${t}${p.hasImage ? '' : '&default=true'}`;
}

/** Like a performer's: the row's updated_at as a cache buster, the placeholder marked. */
export function studioImagePath(s: FakeStudio, origin: string): string {
  const t = Math.floor(Date.parse(s.updated_at) / 1000);
  return `${origin}/studio/${s.id}/image?t=${t}${s.hasImage ? '' : '&default=true'}`;
}
