/**
 * The marker search's columns: every live marker, scene, tag, performer and studio of the mirror by slot
 * (its place here), the relations between them in both directions, and the tag closure. Built once
 * per sync that changed the mirror and only read after that.
 */
import { sceneLabel } from '../../shared/scene-label';
import { binarySearch, filter, float64s, int32s, range } from './int-lists';
import type { MarkerIndexColumns } from './marker-index';
import { inverse, relation, single, type Relation } from './relation';
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
  readonly sceneIndex: IdSlots;
  /** Tag id to the ids of the live tags below it, itself included. */
  readonly closure: Map<number, number[]>;

  constructor(source: MarkerIndexColumns) {
    const byName = (names: string[], ids: number[]) => (a: number, b: number) => compareCodePoints(names[a]!, names[b]!) || ids[a]! - ids[b]!;
    const { tags, performers, studios } = source;
    this.tags = Array.from(range(tags.id.length).sort(byName(tags.name, tags.id)), (k) => ({
      id: tags.id[k]!,
      name: tags.name[k]!,
      live: !tags.is_stale[k],
    }));
    this.performers = Array.from(range(performers.id.length).sort(byName(performers.name, performers.id)), (k) => ({
      id: performers.id[k]!,
      name: performers.name[k]!,
      gender: performers.gender[k]!,
      favorite: Boolean(performers.favorite[k]),
      live: !performers.is_stale[k],
    }));
    this.tagIndex = new Map(this.tags.map((t, i) => [t.id, i]));
    this.performerIndex = new Map(this.performers.map((p, i) => [p.id, i]));
    const studioOrder = range(studios.id.length).sort(byName(studios.name, studios.id));
    this.studioIndex = new Map(Array.from(studioOrder, (k, i) => [studios.id[k]!, i]));
    this.studios = Array.from(studioOrder, (k) => ({
      id: studios.id[k]!,
      name: studios.name[k]!,
      live: !studios.is_stale[k],
      parent: this.studioIndex.get(studios.parent_id[k] ?? -1) ?? -1,
    }));

    const scenes = ascendingById(source.scenes);
    const sceneCount = scenes.id.length;
    this.sceneIds = Int32Array.from(scenes.id);
    this.sceneIndex = new IdSlots(this.sceneIds);
    this.sceneDates = scenes.date;
    this.sceneTitles = scenes.title;
    this.sceneBasenames = scenes.basename;
    this.sceneNames = scenes.title.map((title, k) => sceneLabel({ title, basename: scenes.basename[k]! }));
    this.sceneDuration = float64s(sceneCount, (k) => scenes.duration[k] ?? NaN);
    this.sceneRating = float64s(sceneCount, (k) => scenes.rating100[k] ?? NaN);
    this.sceneOrganized = Uint8Array.from(int32s(sceneCount, (k) => (scenes.organized[k] ? 1 : 0)));
    this.sceneStudio = int32s(sceneCount, (k) => this.studioIndex.get(scenes.studio_id[k] ?? -1) ?? -1);

    // Markers of scenes the index has (a live marker of a stale scene is left out).
    const markers = ascendingById(source.markers);
    const sceneOf = int32s(markers.id.length, (k) => this.sceneIndex.slot(markers.scene_id[k]!));
    const kept = filter(range(sceneOf.length), (k) => sceneOf[k]! >= 0, new Int32Array(sceneOf.length));
    this.size = kept.length;
    this.allMarkers = range(this.size);
    this.markerIds = int32s(this.size, (i) => markers.id[kept[i]!]!);
    this.markerTitles = Array.from(kept, (k) => markers.title[k]!);
    this.markerScene = int32s(this.size, (i) => sceneOf[kept[i]!]!);
    this.markerPrimary = int32s(this.size, (i) => this.tagSlot(markers.primary_tag_id[kept[i]!]!));
    this.markerSeconds = float64s(this.size, (i) => markers.seconds[kept[i]!]!);
    this.markerEnd = float64s(this.size, (i) => markers.end_seconds[kept[i]!] ?? NaN);
    this.markerUpdated = float64s(this.size, (i) => Date.parse(markers.stash_updated_at[kept[i]!]!));
    const markerIndex = new IdSlots(this.markerIds);

    const slots = (ids: number[], index: { slot(id: number): number }) => int32s(ids.length, (k) => index.slot(ids[k]!));
    const tagSlots = (ids: number[]) => int32s(ids.length, (k) => this.tagSlot(ids[k]!));
    const performerSlots = (ids: number[]) => int32s(ids.length, (k) => this.performerIndex.get(ids[k]!) ?? -1);
    this.markerTags = relation(this.size, slots(source.markerTags.marker_id, markerIndex), tagSlots(source.markerTags.tag_id));
    this.sceneTags = relation(sceneCount, slots(source.sceneTags.scene_id, this.sceneIndex), tagSlots(source.sceneTags.tag_id));
    this.scenePerformers = relation(
      sceneCount,
      slots(source.scenePerformers.scene_id, this.sceneIndex),
      performerSlots(source.scenePerformers.performer_id),
    );
    const { start, members } = this.scenePerformers;
    this.scenePerformerCount = int32s(sceneCount, (scene) => {
      let live = 0;
      for (let k = start[scene]!; k < start[scene + 1]!; k++) live += this.performers[members[k]!]!.live ? 1 : 0;
      return live;
    });
    this.performerTags = relation(this.performers.length, performerSlots(source.performerTags.performer_id), tagSlots(source.performerTags.tag_id));
    this.sceneMarkers = inverse(sceneCount, single(this.markerScene));
    // Every tag slot exists by now (tagSlot added the ones the mirror lacks).
    this.tagMarkers = inverse(this.tags.length, single(this.markerPrimary), this.markerTags);
    this.tagScenes = inverse(this.tags.length, this.sceneTags);
    this.performerScenes = inverse(this.performers.length, this.scenePerformers);

    this.closure = new Map();
    const { ancestor_id, descendant_id } = source.closure;
    for (let k = 0; k < ancestor_id.length; k++) {
      const list = this.closure.get(ancestor_id[k]!);
      if (list) list.push(descendant_id[k]!);
      else this.closure.set(ancestor_id[k]!, [descendant_id[k]!]);
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

/** Slots of ids held ascending (scenes, markers): found by binary search, no map beside the list. */
export class IdSlots {
  constructor(private readonly ids: Int32Array) {}

  /** The id's slot, undefined if absent (as a Map's get). */
  get(id: number): number | undefined {
    const slot = binarySearch(this.ids, id);
    return slot < 0 ? undefined : slot;
  }

  /** The id's slot, -1 if absent. */
  slot(id: number): number {
    return binarySearch(this.ids, id);
  }
}

/**
 * The table's rows ascending by id, as the loader asks the database for them; a database that
 * gathered them in another order has them sorted here.
 */
function ascendingById<T extends { id: number[] }>(table: T): T {
  const { id } = table;
  let sorted = true;
  for (let k = 1; k < id.length && sorted; k++) sorted = id[k - 1]! < id[k]!;
  if (sorted) return table;
  const order = range(id.length).sort((a, b) => id[a]! - id[b]!);
  return Object.fromEntries(Object.entries(table).map(([column, values]) => [column, Array.from(order, (k) => (values as unknown[])[k])])) as T;
}
