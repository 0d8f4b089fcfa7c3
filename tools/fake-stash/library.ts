/**
 * The in-memory library behind the fake server, and helpers that change it the way the real Stash
 * operations do, including what they do NOT touch: which rows get a new updated_at decides what a
 * mirror can notice, so every helper documents it.
 */
import type { FakeClock } from './clock';

export type Gender = 'MALE' | 'FEMALE' | 'TRANSGENDER_MALE' | 'TRANSGENDER_FEMALE' | 'INTERSEX' | 'NON_BINARY';

export const GENDERS: readonly Gender[] = ['MALE', 'FEMALE', 'TRANSGENDER_MALE', 'TRANSGENDER_FEMALE', 'INTERSEX', 'NON_BINARY'];

export interface FakePerformer {
  id: number;
  name: string;
  gender: Gender | null;
  hasImage: boolean;
  favorite: boolean;
  tagIds: number[];
  created_at: string;
  updated_at: string;
}

/** Children are derived from other studios' parentId. */
export interface FakeStudio {
  id: number;
  name: string;
  parentId: number | null;
  hasImage: boolean;
  created_at: string;
  updated_at: string;
}

/** Children are derived from other tags' parentIds. */
export interface FakeTag {
  id: number;
  name: string;
  sort_name: string | null;
  parentIds: number[];
  created_at: string;
  updated_at: string;
}

/** `size` can exceed 2^31; it stays a JS number (< 2^53). */
export interface FakeFile {
  /** The file's name without its folder, as Stash lists it. */
  basename: string;
  size: number;
  duration: number;
  updated_at: string;
}

export interface FakeScene {
  id: number;
  title: string | null;
  details: string | null;
  date: string | null;
  /** 0-100, null when unrated. */
  rating100: number | null;
  organized: boolean;
  studioId: number | null;
  performerIds: number[];
  tagIds: number[];
  /** Primary file first. */
  files: FakeFile[];
  created_at: string;
  updated_at: string;
}

export interface FakeMarker {
  id: number;
  sceneId: number;
  title: string;
  seconds: number;
  end_seconds: number | null;
  primaryTagId: number;
  /** May contain the primary tag; the API never lists it among `tags`. */
  tagIds: number[];
  created_at: string;
  updated_at: string;
}

export type PerformerInput = Partial<Omit<FakePerformer, 'id'>>;
export type TagInput = Partial<Omit<FakeTag, 'id'>>;
export type StudioInput = Partial<Omit<FakeStudio, 'id'>>;
export type SceneInput = Partial<Omit<FakeScene, 'id' | 'files'>> & { files?: Partial<FakeFile>[] };
export type MarkerInput = Partial<Omit<FakeMarker, 'id'>> & { sceneId: number; primaryTagId: number };

export type PerformerPatch = Partial<Omit<FakePerformer, 'id' | 'created_at'>>;
export type TagPatch = Partial<Omit<FakeTag, 'id' | 'created_at'>>;
export type StudioPatch = Partial<Omit<FakeStudio, 'id' | 'created_at'>>;
export type ScenePatch = Partial<Omit<FakeScene, 'id' | 'created_at' | 'files'>> & { files?: Partial<FakeFile>[] };
export type MarkerPatch = Partial<Omit<FakeMarker, 'id' | 'created_at'>>;

/** Like Stash's BulkUpdateIds: a plain array means SET. */
export type BulkIds = number[] | { mode: 'SET' | 'ADD' | 'REMOVE'; ids: number[] };
export interface BulkScenePatch {
  title?: string | null;
  details?: string | null;
  date?: string | null;
  rating100?: number | null;
  organized?: boolean;
  studioId?: number | null;
  performerIds?: BulkIds;
  tagIds?: BulkIds;
}

export type EntityKind = 'performer' | 'tag' | 'studio' | 'scene' | 'marker';

/** Stash's own wording, used by `ids` lookups and helpers alike. */
export const ENTITY_LABEL: Record<EntityKind, string> = {
  performer: 'performer',
  tag: 'tag',
  studio: 'studio',
  scene: 'scene',
  marker: 'scene marker',
};

/**
 * A Map that reports writes, so query caches built from the data are dropped whenever rows are
 * added or removed, even by a test that edits the maps directly.
 */
class TrackedMap<V> extends Map<number, V> {
  private onWrite: ((key: number | null) => void) | null = null;
  track(onWrite: (key: number | null) => void): this {
    this.onWrite = onWrite;
    return this;
  }
  override set(key: number, value: V): this {
    super.set(key, value);
    this.onWrite?.(key);
    return this;
  }
  override delete(key: number): boolean {
    const had = super.delete(key);
    if (had) this.onWrite?.(null);
    return had;
  }
  override clear(): void {
    super.clear();
    this.onWrite?.(null);
  }
}

function uniq(ids: readonly number[]): number[] {
  return [...new Set(ids)];
}

export class FakeLibrary {
  readonly clock: FakeClock;
  readonly performers: Map<number, FakePerformer>;
  readonly tags: Map<number, FakeTag>;
  readonly studios: Map<number, FakeStudio>;
  readonly scenes: Map<number, FakeScene>;
  readonly markers: Map<number, FakeMarker>;
  /**
   * Increases on every change made through the helpers or the maps. Query caches key on it; a test
   * that edits a row object in place must call invalidate() so sorted caches are rebuilt.
   */
  version = 0;
  /** Stash tables use AUTOINCREMENT: an id is never handed out twice, even after a delete. */
  private readonly nextId: Record<EntityKind, number> = { performer: 1, tag: 1, studio: 1, scene: 1, marker: 1 };

  constructor(clock: FakeClock) {
    this.clock = clock;
    const tracked = <V>(kind: EntityKind) =>
      new TrackedMap<V>().track((key) => {
        this.version++;
        if (key !== null && key >= this.nextId[kind]) this.nextId[kind] = key + 1;
      });
    this.performers = tracked<FakePerformer>('performer');
    this.tags = tracked<FakeTag>('tag');
    this.studios = tracked<FakeStudio>('studio');
    this.scenes = tracked<FakeScene>('scene');
    this.markers = tracked<FakeMarker>('marker');
  }

  /** Drops query caches after rows were edited in place rather than through the helpers. */
  invalidate(): void {
    this.version++;
  }

  /** The id the next create of this kind will get. */
  peekNextId(kind: EntityKind): number {
    return this.nextId[kind];
  }

  /** Burns ids without creating rows, like rows that were created and deleted long ago. */
  skipIds(kind: EntityKind, count: number): void {
    this.nextId[kind] += count;
  }

  private take(kind: EntityKind): number {
    return this.nextId[kind]++;
  }

  private notFound(kind: EntityKind, id: number): Error {
    return new Error(`${ENTITY_LABEL[kind]} with id ${id} not found`);
  }

  private must<V>(map: Map<number, V>, kind: EntityKind, id: number): V {
    const row = map.get(id);
    if (!row) throw this.notFound(kind, id);
    return row;
  }

  private checkRefs(map: Map<number, unknown>, kind: EntityKind, ids: readonly number[]): void {
    for (const id of ids) if (!map.has(id)) throw this.notFound(kind, id);
  }

  // ---- performers ----

  createPerformer(p: PerformerInput = {}): FakePerformer {
    const id = this.take('performer');
    const now = this.clock.now();
    const row: FakePerformer = {
      id,
      name: p.name ?? `Performer ${id}`,
      gender: p.gender ?? null,
      hasImage: p.hasImage ?? false,
      favorite: p.favorite ?? false,
      tagIds: uniq(p.tagIds ?? []),
      created_at: p.created_at ?? now,
      updated_at: p.updated_at ?? p.created_at ?? now,
    };
    if (row.name.trim() === '') throw new Error('Name must be set');
    this.checkRefs(this.tags, 'tag', row.tagIds);
    this.performers.set(id, row);
    return row;
  }

  updatePerformer(id: number, patch: PerformerPatch = {}): FakePerformer {
    const row = this.must(this.performers, 'performer', id);
    if (patch.tagIds) {
      patch = { ...patch, tagIds: uniq(patch.tagIds) };
      this.checkRefs(this.tags, 'tag', patch.tagIds!);
    }
    Object.assign(row, patch, { id, updated_at: patch.updated_at ?? this.clock.now() });
    this.version++;
    return row;
  }

  /** The join rows vanish: scenes lose the performer and are NOT bumped. */
  deletePerformer(id: number): void {
    this.must(this.performers, 'performer', id);
    this.performers.delete(id);
    for (const s of this.scenes.values()) {
      if (s.performerIds.includes(id)) s.performerIds = s.performerIds.filter((x) => x !== id);
    }
    this.version++;
  }

  /**
   * Stash v0.31's performerMerge: scenes of the sources get the destination instead (once) and the
   * sources are deleted. Bumps NOTHING, as the tag merge: no scene, not the destination.
   */
  mergePerformers(sourceIds: number[], destinationId: number): void {
    this.must(this.performers, 'performer', destinationId);
    const sources = new Set(sourceIds);
    if (sources.has(destinationId)) throw new Error('cannot merge a performer into itself');
    for (const id of sources) this.must(this.performers, 'performer', id);
    for (const s of this.scenes.values()) {
      if (s.performerIds.some((x) => sources.has(x))) s.performerIds = uniq(s.performerIds.map((x) => (sources.has(x) ? destinationId : x)));
    }
    for (const id of sources) this.performers.delete(id);
    this.version++;
  }

  // ---- tags ----

  private checkTagName(name: string, selfId: number | null): void {
    if (name.trim() === '') throw new Error('Name must be set');
    const lower = name.toLowerCase();
    for (const t of this.tags.values()) {
      if (t.id !== selfId && t.name.toLowerCase() === lower) {
        throw new Error(`tag with name '${name}' already exists`);
      }
    }
  }

  /** Stash refuses an edge set that would make a tag its own ancestor. */
  private checkTagParents(tagId: number, parentIds: readonly number[]): void {
    this.checkRefs(this.tags, 'tag', parentIds);
    for (const start of parentIds) {
      const seen = new Set<number>();
      const stack = [start];
      while (stack.length > 0) {
        const cur = stack.pop() as number;
        if (cur === tagId) throw new Error(`invalid tag hierarchy: tag ${tagId} would be its own ancestor`);
        if (seen.has(cur)) continue;
        seen.add(cur);
        const t = this.tags.get(cur);
        if (t) stack.push(...t.parentIds);
      }
    }
  }

  createTag(t: TagInput = {}): FakeTag {
    const id = this.nextId.tag;
    const name = t.name ?? `Tag ${id}`;
    this.checkTagName(name, null);
    const parentIds = uniq(t.parentIds ?? []);
    this.checkRefs(this.tags, 'tag', parentIds);
    this.take('tag');
    const now = this.clock.now();
    const row: FakeTag = {
      id,
      name,
      sort_name: t.sort_name ?? null,
      parentIds,
      created_at: t.created_at ?? now,
      updated_at: t.updated_at ?? t.created_at ?? now,
    };
    this.tags.set(id, row);
    return row;
  }

  /** Bumps only this tag; tags on the other end of changed edges keep their stamps. */
  updateTag(id: number, patch: TagPatch = {}): FakeTag {
    const row = this.must(this.tags, 'tag', id);
    if (patch.name !== undefined) this.checkTagName(patch.name, id);
    const next = { ...patch };
    if (patch.parentIds !== undefined) {
      next.parentIds = uniq(patch.parentIds);
      this.checkTagParents(id, next.parentIds);
    }
    Object.assign(row, next, { id, updated_at: patch.updated_at ?? this.clock.now() });
    this.version++;
    return row;
  }

  /** Bumps only that tag (the parents are not bumped). */
  setTagParents(tagId: number, parentIds: number[]): void {
    this.updateTag(tagId, { parentIds });
  }

  /**
   * Scene, performer and marker secondary tags and other tags' parent edges lose the tag; nothing is bumped.
   * A tag that is some marker's primary tag is refused, as Stash does.
   */
  deleteTag(id: number): void {
    this.must(this.tags, 'tag', id);
    for (const m of this.markers.values()) {
      if (m.primaryTagId === id) throw new Error('cannot delete tag used as a primary tag in scene markers');
    }
    this.tags.delete(id);
    for (const s of this.scenes.values()) {
      if (s.tagIds.includes(id)) s.tagIds = s.tagIds.filter((x) => x !== id);
    }
    for (const p of this.performers.values()) {
      if (p.tagIds.includes(id)) p.tagIds = p.tagIds.filter((x) => x !== id);
    }
    for (const m of this.markers.values()) {
      if (m.tagIds.includes(id)) m.tagIds = m.tagIds.filter((x) => x !== id);
    }
    for (const t of this.tags.values()) {
      if (t.parentIds.includes(id)) t.parentIds = t.parentIds.filter((x) => x !== id);
    }
    this.version++;
  }

  /**
   * Re-points scene tags, performer tags, marker tags, marker primary tags and parent/child edges to the
   * destination and deletes the sources. Bumps NOTHING, not even the destination.
   */
  mergeTags(sourceIds: number[], destinationId: number): void {
    this.must(this.tags, 'tag', destinationId);
    const sources = new Set(sourceIds);
    if (sources.has(destinationId)) throw new Error('cannot merge a tag into itself');
    for (const id of sources) this.must(this.tags, 'tag', id);
    const repoint = (ids: number[]): number[] => (ids.some((x) => sources.has(x)) ? uniq(ids.map((x) => (sources.has(x) ? destinationId : x))) : ids);
    for (const s of this.scenes.values()) s.tagIds = repoint(s.tagIds);
    for (const p of this.performers.values()) p.tagIds = repoint(p.tagIds);
    for (const m of this.markers.values()) {
      m.tagIds = repoint(m.tagIds);
      if (sources.has(m.primaryTagId)) m.primaryTagId = destinationId;
    }
    const dest = this.must(this.tags, 'tag', destinationId);
    // The sources' parents become the destination's parents; their children point at it.
    const inherited = [...sources].flatMap((id) => this.tags.get(id)?.parentIds ?? []);
    dest.parentIds = uniq([...dest.parentIds, ...inherited]);
    for (const id of sources) this.tags.delete(id);
    for (const t of this.tags.values()) {
      t.parentIds = repoint(t.parentIds).filter((p) => p !== t.id && this.tags.has(p));
    }
    this.version++;
  }

  // ---- studios ----

  private checkStudioName(name: string, selfId: number | null): void {
    if (name.trim() === '') throw new Error('Name must be set');
    for (const s of this.studios.values()) {
      if (s.id !== selfId && s.name.toLowerCase() === name.toLowerCase()) throw new Error(`studio with name '${name}' already exists`);
    }
  }

  /** Stash refuses a parent that would make a studio its own ancestor. */
  private checkStudioParent(studioId: number | null, parentId: number | null): void {
    for (let cur = parentId; cur !== null; cur = this.must(this.studios, 'studio', cur).parentId) {
      if (cur === studioId) throw new Error(`invalid studio hierarchy: studio ${studioId} would be its own ancestor`);
    }
  }

  createStudio(s: StudioInput = {}): FakeStudio {
    const id = this.nextId.studio;
    const name = s.name ?? `Studio ${id}`;
    this.checkStudioName(name, null);
    this.checkStudioParent(null, s.parentId ?? null);
    this.take('studio');
    const now = this.clock.now();
    const row: FakeStudio = {
      id,
      name,
      parentId: s.parentId ?? null,
      hasImage: s.hasImage ?? false,
      created_at: s.created_at ?? now,
      updated_at: s.updated_at ?? s.created_at ?? now,
    };
    this.studios.set(id, row);
    return row;
  }

  /** Bumps only this studio: neither its old nor its new parent. */
  updateStudio(id: number, patch: StudioPatch = {}): FakeStudio {
    const row = this.must(this.studios, 'studio', id);
    if (patch.name !== undefined) this.checkStudioName(patch.name, id);
    if (patch.parentId !== undefined) this.checkStudioParent(id, patch.parentId);
    Object.assign(row, patch, { id, updated_at: patch.updated_at ?? this.clock.now() });
    this.version++;
    return row;
  }

  /**
   * Stash's foreign keys to a studio are ON DELETE SET NULL: its scenes lose their studio and its
   * children their parent, and none of them is bumped.
   */
  deleteStudio(id: number): void {
    this.must(this.studios, 'studio', id);
    this.studios.delete(id);
    for (const s of this.scenes.values()) if (s.studioId === id) s.studioId = null;
    for (const c of this.studios.values()) if (c.parentId === id) c.parentId = null;
    this.version++;
  }

  // ---- scenes ----

  /** A file the caller does not name gets its scene's id and its place among the scene's files. */
  private makeFile(f: Partial<FakeFile>, now: string, sceneId: number, index: number): FakeFile {
    return { basename: f.basename ?? `${sceneId}_${index + 1}.mp4`, size: f.size ?? 0, duration: f.duration ?? 0, updated_at: f.updated_at ?? now };
  }

  createScene(s: SceneInput = {}): FakeScene {
    const performerIds = uniq(s.performerIds ?? []);
    const tagIds = uniq(s.tagIds ?? []);
    this.checkRefs(this.performers, 'performer', performerIds);
    this.checkRefs(this.tags, 'tag', tagIds);
    if (s.studioId != null) this.must(this.studios, 'studio', s.studioId);
    const id = this.take('scene');
    const now = this.clock.now();
    const row: FakeScene = {
      id,
      title: s.title ?? null,
      details: s.details ?? null,
      date: s.date ?? null,
      rating100: s.rating100 ?? null,
      organized: s.organized ?? false,
      studioId: s.studioId ?? null,
      performerIds,
      tagIds,
      files: (s.files ?? []).map((f, index) => this.makeFile(f, now, id, index)),
      created_at: s.created_at ?? now,
      updated_at: s.updated_at ?? s.created_at ?? now,
    };
    this.scenes.set(id, row);
    return row;
  }

  updateScene(id: number, patch: ScenePatch = {}): FakeScene {
    const row = this.must(this.scenes, 'scene', id);
    const now = this.clock.now();
    const { files, ...rest } = patch;
    if (rest.performerIds) {
      rest.performerIds = uniq(rest.performerIds);
      this.checkRefs(this.performers, 'performer', rest.performerIds);
    }
    if (rest.tagIds) {
      rest.tagIds = uniq(rest.tagIds);
      this.checkRefs(this.tags, 'tag', rest.tagIds);
    }
    if (rest.studioId != null) this.must(this.studios, 'studio', rest.studioId);
    Object.assign(row, rest, { id, updated_at: patch.updated_at ?? now });
    if (files) row.files = files.map((f, index) => this.makeFile(f, now, id, index));
    this.version++;
    return row;
  }

  /** Deletes the scene's markers too; nothing else is bumped. */
  deleteScene(id: number): void {
    this.must(this.scenes, 'scene', id);
    this.scenes.delete(id);
    for (const m of [...this.markers.values()]) if (m.sceneId === id) this.markers.delete(m.id);
    this.version++;
  }

  /**
   * One shared timestamp taken BEFORE the work: the clock is read first, then moves on while the
   * rows are written, so every row carries a stamp older than rows written meanwhile. `startedAt`
   * is a stamp taken earlier still, by a bulk edit whose work began before other writes landed.
   */
  bulkUpdateScenes(ids: number[], patch: BulkScenePatch, startedAt?: string): void {
    const rows = ids.map((id) => this.must(this.scenes, 'scene', id));
    const apply = (cur: number[], bulk: BulkIds | undefined): number[] => {
      if (bulk === undefined) return cur;
      if (Array.isArray(bulk)) return uniq(bulk);
      if (bulk.mode === 'SET') return uniq(bulk.ids);
      if (bulk.mode === 'ADD') return uniq([...cur, ...bulk.ids]);
      const drop = new Set(bulk.ids);
      return cur.filter((x) => !drop.has(x));
    };
    const refIds = (b: BulkIds | undefined): number[] => (b === undefined ? [] : Array.isArray(b) ? b : b.ids);
    this.checkRefs(this.performers, 'performer', refIds(patch.performerIds));
    this.checkRefs(this.tags, 'tag', refIds(patch.tagIds));
    if (patch.studioId != null) this.must(this.studios, 'studio', patch.studioId);
    const stamp = startedAt ?? this.clock.now();
    this.clock.advance(rows.length > 100 ? 2 : 1);
    for (const row of rows) {
      if (patch.title !== undefined) row.title = patch.title;
      if (patch.details !== undefined) row.details = patch.details;
      if (patch.date !== undefined) row.date = patch.date;
      if (patch.rating100 !== undefined) row.rating100 = patch.rating100;
      if (patch.organized !== undefined) row.organized = patch.organized;
      if (patch.studioId !== undefined) row.studioId = patch.studioId;
      row.performerIds = apply(row.performerIds, patch.performerIds);
      row.tagIds = apply(row.tagIds, patch.tagIds);
      row.updated_at = stamp;
    }
    this.version++;
  }

  /**
   * Moves the sources' markers (their updated_at is NOT bumped) and files to the destination,
   * deletes the sources, and bumps the destination, which real Stash updates.
   */
  mergeScenes(sourceIds: number[], destinationId: number, values: ScenePatch = {}): void {
    const dest = this.must(this.scenes, 'scene', destinationId);
    const sources = new Set(sourceIds);
    if (sources.has(destinationId)) throw new Error('cannot merge a scene into itself');
    for (const id of sources) this.must(this.scenes, 'scene', id);
    for (const m of this.markers.values()) if (sources.has(m.sceneId)) m.sceneId = destinationId;
    for (const id of sources) {
      const src = this.scenes.get(id);
      if (src) dest.files.push(...src.files);
      this.scenes.delete(id);
    }
    this.updateScene(destinationId, values);
  }

  /** Changes the primary file (a rename too); bumps only the file's updated_at, never the scene's. */
  rescanFile(sceneId: number, file: { basename?: string; size?: number; duration?: number }): void {
    const scene = this.must(this.scenes, 'scene', sceneId);
    const primary = scene.files[0];
    if (!primary) throw new Error(`scene with id ${sceneId} has no file`);
    if (file.basename !== undefined) primary.basename = file.basename;
    if (file.size !== undefined) primary.size = file.size;
    if (file.duration !== undefined) primary.duration = file.duration;
    primary.updated_at = this.clock.now();
    this.version++;
  }

  /** A scan that adds a file to an existing scene: the scene IS bumped. */
  addFile(sceneId: number, file: Partial<FakeFile>): FakeFile {
    const scene = this.must(this.scenes, 'scene', sceneId);
    const now = this.clock.now();
    const f = this.makeFile(file, now, sceneId, scene.files.length);
    scene.files.push(f);
    scene.updated_at = now;
    this.version++;
    return f;
  }

  // ---- markers ----

  /** Does NOT bump the scene. */
  createMarker(m: MarkerInput): FakeMarker {
    this.must(this.scenes, 'scene', m.sceneId);
    this.must(this.tags, 'tag', m.primaryTagId);
    const tagIds = uniq(m.tagIds ?? []);
    this.checkRefs(this.tags, 'tag', tagIds);
    const id = this.take('marker');
    const now = this.clock.now();
    const row: FakeMarker = {
      id,
      sceneId: m.sceneId,
      title: m.title ?? '',
      seconds: m.seconds ?? 0,
      end_seconds: m.end_seconds ?? null,
      primaryTagId: m.primaryTagId,
      tagIds,
      created_at: m.created_at ?? now,
      updated_at: m.updated_at ?? m.created_at ?? now,
    };
    this.markers.set(id, row);
    return row;
  }

  /** Bumps the marker only, never its scene (old or new). */
  updateMarker(id: number, patch: MarkerPatch = {}): FakeMarker {
    const row = this.must(this.markers, 'marker', id);
    if (patch.sceneId !== undefined) this.must(this.scenes, 'scene', patch.sceneId);
    if (patch.primaryTagId !== undefined) this.must(this.tags, 'tag', patch.primaryTagId);
    const next = { ...patch };
    if (patch.tagIds) {
      next.tagIds = uniq(patch.tagIds);
      this.checkRefs(this.tags, 'tag', next.tagIds);
    }
    Object.assign(row, next, { id, updated_at: patch.updated_at ?? this.clock.now() });
    this.version++;
    return row;
  }

  /** Does NOT bump the scene. */
  deleteMarker(id: number): void {
    this.must(this.markers, 'marker', id);
    this.markers.delete(id);
  }
}
