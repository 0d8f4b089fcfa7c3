/**
 * A page of the matched markers in the query's order: by relevance, by a field (walking an order
 * of every marker, computed once per index), or at random.
 */
import { range } from './int-lists';
import type { MarkerData } from './marker-data';
import { DEFAULT_DIRECTION, type MarkerQuery } from './query';
import { randomPage } from './random-order';
import type { ScratchBuffers } from './scratch';
import { compareCodePoints, titleSortKey } from './text';

type SortKey = Exclude<MarkerQuery['sort'], 'relevance' | 'random'>;
type Direction = 'asc' | 'desc';

/** `count` markers of `matched` from `start` on, in the query's order; `scores` from the words, if any. */
export function orderedPage(
  data: MarkerData,
  scratch: ScratchBuffers,
  orders: SortOrders,
  matched: Int32Array,
  q: MarkerQuery,
  scores: Float64Array | undefined,
  start: number,
  count: number,
): Int32Array {
  if (start >= matched.length) return new Int32Array(0);
  const direction = q.direction ?? DEFAULT_DIRECTION[q.sort];
  if (q.sort === 'relevance') {
    // Without words every marker is equally relevant: id order.
    if (!scores) return matched.subarray(start, start + count);
    return topByScore(matched, scores, start + count, direction).subarray(start);
  }
  if (q.sort === 'random') return randomPage(data, scratch, matched, q.seed, direction === 'desc', start, count);
  const order = orders.get(q.sort, direction);
  const wanted = scratch.wanted;
  for (const i of matched) wanted[i] = 1;
  const page = new Int32Array(Math.min(count, matched.length - start));
  let seen = 0;
  let taken = 0;
  for (let k = 0; k < order.length && taken < page.length; k++) {
    const i = order[k]!;
    if (wanted[i] && seen++ >= start) page[taken++] = i;
  }
  for (const i of matched) wanted[i] = 0;
  return page;
}

/** The first `k` of the matched markers by score: highest first for 'desc', lowest for 'asc'; equal scores by id. */
function topByScore(matched: Int32Array, scores: Float64Array, k: number, direction: Direction): Int32Array {
  const sign = direction === 'desc' ? 1 : -1;
  const better = (a: number, b: number) => (scores[b]! - scores[a]!) * sign || a - b;
  if (k >= matched.length / 4) return matched.slice().sort(better).subarray(0, k);
  // A partial selection: keep a sorted window of the k best seen so far.
  const best: number[] = [];
  for (const i of matched) {
    if (best.length === k && better(i, best[k - 1]!) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (better(best[mid]!, i) < 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, i);
    if (best.length > k) best.pop();
  }
  return Int32Array.from(best);
}

/** Whole orders of every marker, computed on first use: a sorted page is then a walk down the list. */
export class SortOrders {
  private readonly orders = new Map<string, Int32Array>();
  private secondsOrder: Int32Array | undefined;

  constructor(private readonly data: MarkerData) {}

  /** The sorts and directions computed so far. */
  computed(): { sort: SortKey; direction: Direction }[] {
    return [...this.orders.keys()].map((name) => {
      const [sort, direction] = name.split(':') as [SortKey, Direction];
      return { sort, direction };
    });
  }

  /**
   * Every marker in one sort's order; ties by marker id ascending (for the scene sorts: by scene,
   * see orderByScene), missing values last either way.
   */
  get(sort: SortKey, direction: Direction): Int32Array {
    const name = `${sort}:${direction}`;
    let order = this.orders.get(name);
    if (order) return order;
    const missing = this.missing(sort);
    if (sort === 'sceneDate' || sort === 'sceneTitle') {
      order = this.orderByScene(sceneRanks(this.sceneSortKeys(sort)), direction, missing);
    } else {
      const sign = direction === 'asc' ? 1 : -1;
      const compare = this.comparator(sort);
      order = range(this.data.size).sort((a, b) => {
        const ma = missing(a);
        const mb = missing(b);
        if (ma !== mb) return ma ? 1 : -1;
        return (ma ? 0 : compare(a, b) * sign) || a - b;
      });
    }
    this.orders.set(name, order);
    return order;
  }

  /**
   * What scenes sort by: the date as stored; the name a result shows (the title, else the file
   * basename, as Stash sorts them) as the search normalizes it, '' for none.
   */
  private sceneSortKeys(sort: 'sceneDate' | 'sceneTitle'): string[] {
    if (sort === 'sceneDate') return this.data.sceneDates.map((date) => date ?? '');
    return this.data.sceneNames.map((name) => (name === null ? '' : titleSortKey(name)));
  }

  /**
   * Markers grouped by scene, scenes by their rank (equal ranks by scene id ascending, so one
   * scene's markers stay together and a list can group them), a scene's markers by seconds, then
   * id; missing values last. A counting sort over the scenes' places: one pass to count, one to
   * place, instead of a comparison sort's millions of calls; it keeps the within-scene order.
   */
  private orderByScene(ranks: Int32Array, direction: Direction, missing: (i: number) => boolean): Int32Array {
    const { size, markerScene, sceneIds } = this.data;
    const sign = direction === 'asc' ? 1 : -1;
    const scenes = range(ranks.length).sort((a, b) => (ranks[a]! - ranks[b]!) * sign || sceneIds[a]! - sceneIds[b]!);
    const place = new Int32Array(ranks.length);
    scenes.forEach((scene, k) => (place[scene] = k));
    const bucketOf = (i: number) => (missing(i) ? ranks.length : place[markerScene[i]!]!);
    const starts = new Int32Array(ranks.length + 2);
    for (let i = 0; i < size; i++) starts[bucketOf(i) + 1]!++;
    for (let b = 1; b < starts.length; b++) starts[b]! += starts[b - 1]!;
    const order = new Int32Array(size);
    for (const i of this.bySeconds()) order[starts[bucketOf(i)]!++] = i;
    return order;
  }

  /** Every marker by seconds, then id: the order within a scene. Markers with no value go last by scene id, too. */
  private bySeconds(): Int32Array {
    const { markerSeconds, markerScene, sceneIds } = this.data;
    this.secondsOrder ??= range(this.data.size).sort(
      (a, b) => sceneIds[markerScene[a]!]! - sceneIds[markerScene[b]!]! || markerSeconds[a]! - markerSeconds[b]! || a - b,
    );
    return this.secondsOrder;
  }

  private comparator(sort: Exclude<SortKey, 'sceneDate' | 'sceneTitle'>): (a: number, b: number) => number {
    const { markerScene, sceneIds, markerSeconds, markerEnd, markerUpdated } = this.data;
    const length = (i: number) => markerEnd[i]! - markerSeconds[i]!;
    switch (sort) {
      case 'position':
        return (a, b) => sceneIds[markerScene[a]!]! - sceneIds[markerScene[b]!]! || markerSeconds[a]! - markerSeconds[b]!;
      case 'length':
        return (a, b) => length(a) - length(b);
      case 'updated':
        return (a, b) => markerUpdated[a]! - markerUpdated[b]!;
    }
  }

  private missing(sort: SortKey): (i: number) => boolean {
    const { markerScene, sceneDates, sceneNames, markerEnd, markerUpdated } = this.data;
    switch (sort) {
      case 'sceneDate':
        return (i) => sceneDates[markerScene[i]!] === null;
      case 'sceneTitle':
        return (i) => sceneNames[markerScene[i]!] === null;
      case 'length':
        return (i) => Number.isNaN(markerEnd[i]!);
      case 'updated':
        return (i) => Number.isNaN(markerUpdated[i]!);
      default:
        return () => false;
    }
  }
}

/**
 * Each scene's place in the order of its text key, equal keys sharing one: markers are then ordered
 * by comparing integers, a tenth of the time of comparing their scenes' strings at every step.
 */
function sceneRanks(keys: string[]): Int32Array {
  const scenes = range(keys.length).sort((a, b) => compareCodePoints(keys[a]!, keys[b]!));
  const ranks = new Int32Array(keys.length);
  for (let k = 1; k < scenes.length; k++) {
    const same = keys[scenes[k]!] === keys[scenes[k - 1]!];
    ranks[scenes[k]!] = ranks[scenes[k - 1]!]! + (same ? 0 : 1);
  }
  return ranks;
}
