/**
 * "Play all": the search's results played back to back, in their order or shuffled. The queue is
 * over result indexes, not hits, so it spans pages that have not loaded yet (the player loads the
 * one it reaches). A shuffled queue is a permutation drawn from a seed fixed when play all starts,
 * so stepping back finds the marker played before, and the same seed gives the same order.
 */
export type PlayOrder = 'in-order' | 'shuffled';

export const PLAY_ORDER_LABELS: Record<PlayOrder, string> = { 'in-order': 'In order', shuffled: 'Shuffled' };

/** How long a marker without an end plays before the next one. */
export const OPEN_MARKER_SPAN_SECONDS = 20;

export interface PlayQueue {
  order: PlayOrder;
  /** The results' count when play all started. */
  total: number;
  /** Which place of the queue plays (0-based). */
  position: number;
  /** Result indexes by place; null in order, where a place is its index. */
  permutation: readonly number[] | null;
}

export function startQueue(order: PlayOrder, total: number, seed: number): PlayQueue {
  return { order, total, position: 0, permutation: order === 'shuffled' ? seededPermutation(total, seed) : null };
}

/** The result index at the queue's place. */
export function queueIndex(queue: PlayQueue): number {
  return queue.permutation ? queue.permutation[queue.position]! : queue.position;
}

/** The queue one place on (or back); it stays at its first and last place. */
export function stepQueue(queue: PlayQueue, by: 1 | -1): PlayQueue {
  const position = Math.max(0, Math.min(queue.total - 1, queue.position + by));
  return position === queue.position ? queue : { ...queue, position };
}

export const isLastInQueue = (queue: PlayQueue): boolean => queue.position >= queue.total - 1;

/** Where a marker's turn in the queue ends: at its end, or a fixed span after its start. */
export const turnEndOf = (marker: { seconds: number; endSeconds: number | null }): number =>
  marker.endSeconds !== null && marker.endSeconds > marker.seconds ? marker.endSeconds : marker.seconds + OPEN_MARKER_SPAN_SECONDS;

/** 0..count-1 shuffled by Fisher–Yates over a small seeded generator (mulberry32). */
export function seededPermutation(count: number, seed: number): number[] {
  const order = Array.from({ length: count }, (_, k) => k);
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  for (let k = count - 1; k > 0; k--) {
    const j = Math.floor(next() * (k + 1));
    [order[k], order[j]] = [order[j]!, order[k]!];
  }
  return order;
}
