/**
 * The marker search's columns: every live marker, scene, tag, performer and studio of the mirror by slot
 * (its place here), the relations between them in both directions, and the tag closure. Built once
 * per sync that changed the mirror and only read after that.
 */
import { sceneLabel } from '../../shared/scene-label';
import { range } from './int-lists';
import type { MarkerIndexSource } from './marker-index';
import { forEachIn, relation, type Relation } from './relation';
import { compareCodePoints } from './text';

/** A tag or performer as the index knows it; `live` is false for a stale one or one the mirror lacks. */
export interface NamedEntry {
  id: number;
  name: string;
  live: boolean;
}

export class MarkerData {
  readonly size: number;
  /** Every marker slot, ascending: the candidates of a query without words. Never written. */
  readonly allMarkers: Int32Array;
  readonly markerIds: Int32Array;
  readonly markerTitles: string[];
  readonly markerScene: Int32Array;
  readonly markerPrimary: Int32Array;
  readonly markerSeconds: Float64Array;
  /** NaN where the marker has no end. */
  readonly markerEnd: Float64Array;
  /**
   * When Stash last updated the marker, as an instant (ms): Stash writes its server's local offset,
   * which changes with daylight saving, so the strings do not sort in time order. NaN if unreadable.
   */
  readonly markerUpdated: Float64Array;
  readonly markerTags: Relation;

  readonly sceneIds: Int32Array;
  readonly sceneDates: (string | null)[];
  readonly sceneTitles: (string | null)[];
  /** The primary file's; null where the scene has no file. */
  readonly sceneBasenames: (string | null)[];
  /** What a result names the scene by (sceneLabel); null for neither title nor file. */
  readonly sceneNames: (string | null)[];
  /** NaN where the scene has no file. */
  readonly sceneDuration: Float64Array;
  /** rating100; NaN where the scene is unrated. */
  readonly sceneRating: Float64Array;
  readonly sceneOrganized: Uint8Array;
  /** The studio's slot; -1 for a scene without one or with one the mirror lacks. */
  readonly sceneStudio: Int32Array;
  /** How many live performers each scene has. */
  readonly scenePerformerCount: Int32Array;
  readonly sceneTags: Relation;
  readonly scenePerformers: Relation;
  readonly sceneMarkers: Relation;
  /** Inverted: the markers of each tag (primary or secondary), the scenes of each performer. */
  readonly tagMarkers: Relation;
  readonly tagScenes: Relation;
  readonly performerScenes: Relation;
  /** The tags of each performer. */
  readonly performerTags: Relation;

  /**
   * Tags and performers in name order (byte order, then id): the index is the facet tiebreak. A
   * stale one (deleted in Stash) or one the mirror lacks is not live: it matches no filter or word
   * and is in no facet and no hit (but as a primary tag, see markerHit()), though rows not yet
   * re-synced may still point at it.
   */
  readonly tags: NamedEntry[];
  readonly performers: (NamedEntry & { gender: string | null; favorite: boolean })[];
  /** Studios in name order, as tags; `parent` is the parent's slot, -1 for none or one the mirror lacks. */
  readonly studios: (NamedEntry & { parent: number })[];
  readonly studioIndex: Map<number, number>;
  readonly tagIndex: Map<number, number>;
  readonly performerIndex: Map<number, number>;
  readonly sceneIndex: Map<number, number>;
  /** Tag id to the ids of the live tags below it, itself included. */
  readonly closure: Map<number, number[]>;

  constructor(source: MarkerIndexSource) {
    const byName = <T extends { id: number; name: string }>(a: T, b: T) => compareCodePoints(a.name, b.name) || a.id - b.id;
    this.tags = source.tags.map((t) => ({ id: t.id, name: t.name, live: !t.is_stale })).sort(byName);
    this.performers = source.performers
      .map((p) => ({ id: p.id, name: p.name, gender: p.gender, favorite: Boolean(p.favorite), live: !p.is_stale }))
      .sort(byName);
    this.tagIndex = new Map(this.tags.map((t, i) => [t.id, i]));
    this.performerIndex = new Map(this.performers.map((p, i) => [p.id, i]));
    const studios = [...source.studios].sort(byName);
    this.studioIndex = new Map(studios.map((s, i) => [s.id, i]));
    this.studios = studios.map((s) => ({ id: s.id, name: s.name, live: !s.is_stale, parent: this.studioIndex.get(s.parent_id ?? -1) ?? -1 }));

    const scenes = source.scenes;
    this.sceneIds = Int32Array.from(scenes, (s) => s.id);
    this.sceneIndex = new Map(scenes.map((s, i) => [s.id, i]));
    this.sceneDates = scenes.map((s) => s.date);
    this.sceneTitles = scenes.map((s) => s.title);
    this.sceneBasenames = scenes.map((s) => s.basename);
    this.sceneNames = scenes.map(sceneLabel);
    this.sceneDuration = Float64Array.from(scenes, (s) => s.duration ?? NaN);
    this.sceneRating = Float64Array.from(scenes, (s) => s.rating100 ?? NaN);
    this.sceneOrganized = Uint8Array.from(scenes, (s) => (s.organized ? 1 : 0));
    this.sceneStudio = Int32Array.from(scenes, (s) => this.studioIndex.get(s.studio_id ?? -1) ?? -1);

    const markers = source.markers.filter((m) => this.sceneIndex.has(m.scene_id));
    this.size = markers.length;
    this.allMarkers = range(this.size);
    this.markerIds = Int32Array.from(markers, (m) => m.id);
    this.markerTitles = markers.map((m) => m.title);
    this.markerScene = Int32Array.from(markers, (m) => this.sceneIndex.get(m.scene_id)!);
    this.markerPrimary = Int32Array.from(markers, (m) => this.tagSlot(m.primary_tag_id));
    this.markerSeconds = Float64Array.from(markers, (m) => m.seconds);
    this.markerEnd = Float64Array.from(markers, (m) => m.end_seconds ?? NaN);
    this.markerUpdated = Float64Array.from(markers, (m) => Date.parse(m.stash_updated_at));
    const markerIndex = new Map(markers.map((m, i) => [m.id, i]));

    this.markerTags = relation(
      this.size,
      source.markerTags,
      (r) => markerIndex.get(r.marker_id),
      (r) => this.tagSlot(r.tag_id),
    );
    this.sceneTags = relation(
      scenes.length,
      source.sceneTags,
      (r) => this.sceneIndex.get(r.scene_id),
      (r) => this.tagSlot(r.tag_id),
    );
    this.scenePerformers = relation(
      scenes.length,
      source.scenePerformers,
      (r) => this.sceneIndex.get(r.scene_id),
      (r) => this.performerIndex.get(r.performer_id),
    );
    this.scenePerformerCount = Int32Array.from(scenes, (_, scene) => {
      let live = 0;
      forEachIn(this.scenePerformers, scene, (performer) => (live += this.performers[performer]!.live ? 1 : 0));
      return live;
    });
    this.performerTags = relation(
      this.performers.length,
      source.performerTags,
      (r) => this.performerIndex.get(r.performer_id),
      (r) => this.tagSlot(r.tag_id),
    );
    const sceneMarkerPairs = Array.from(this.markerScene, (scene, marker) => ({ scene, marker }));
    this.sceneMarkers = relation(
      scenes.length,
      sceneMarkerPairs,
      (r) => r.scene,
      (r) => r.marker,
    );

    const tagMarkerPairs: { tag: number; marker: number }[] = [];
    for (let i = 0; i < this.size; i++) {
      tagMarkerPairs.push({ tag: this.markerPrimary[i]!, marker: i });
      forEachIn(this.markerTags, i, (tag) => tagMarkerPairs.push({ tag, marker: i }));
    }
    this.tagMarkers = relation(
      this.tags.length,
      tagMarkerPairs,
      (r) => r.tag,
      (r) => r.marker,
    );
    const tagScenePairs: { tag: number; scene: number }[] = [];
    for (let scene = 0; scene < scenes.length; scene++) forEachIn(this.sceneTags, scene, (tag) => tagScenePairs.push({ tag, scene }));
    this.tagScenes = relation(
      this.tags.length,
      tagScenePairs,
      (r) => r.tag,
      (r) => r.scene,
    );
    const performerScenePairs: { performer: number; scene: number }[] = [];
    for (let scene = 0; scene < scenes.length; scene++)
      forEachIn(this.scenePerformers, scene, (performer) => performerScenePairs.push({ performer, scene }));
    this.performerScenes = relation(
      this.performers.length,
      performerScenePairs,
      (r) => r.performer,
      (r) => r.scene,
    );

    this.closure = new Map();
    for (const { ancestor_id, descendant_id } of source.closure) {
      const list = this.closure.get(ancestor_id);
      if (list) list.push(descendant_id);
      else this.closure.set(ancestor_id, [descendant_id]);
    }
  }

  /** A marker may name a tag the mirror lacks; it gets a slot of its own so nothing is lost. */
  private tagSlot(id: number): number {
    let slot = this.tagIndex.get(id);
    if (slot === undefined) {
      slot = this.tags.length;
      this.tags.push({ id, name: '', live: false });
      this.tagIndex.set(id, slot);
    }
    return slot;
  }
}
