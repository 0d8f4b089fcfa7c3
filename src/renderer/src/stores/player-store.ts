/**
 * The in-app player's place in the results: which result plays (an index into the search's
 * results, so next and previous follow the list as it loads), and, in "play all", the queue that
 * decides which result comes next (lib/play-queue.ts).
 */
import { create } from 'zustand';
import { queueIndex, startQueue, stepQueue, type PlayOrder, type PlayQueue } from '../lib/play-queue';

interface PlayerState {
  /** The result playing, or null when the player is closed. */
  index: number | null;
  /** Play all's queue; null when one marker plays (it loops). */
  queue: PlayQueue | null;
  open(index: number): void;
  /** Plays the `total` results back to back; a shuffled order is drawn from `seed`. */
  playAll(order: PlayOrder, total: number, seed?: number): void;
  step(by: 1 | -1, total: number): void;
  close(): void;
}

export const usePlayer = create<PlayerState>((set, get) => ({
  index: null,
  queue: null,
  open: (index) => set({ index, queue: null }),
  playAll: (order, total, seed = Math.floor(Math.random() * 2 ** 32)) => {
    if (total <= 0) return;
    const queue = startQueue(order, total, seed);
    set({ queue, index: queueIndex(queue) });
  },
  step: (by, total) => {
    const { index, queue } = get();
    if (index === null) return;
    if (queue) {
      const next = stepQueue(queue, by);
      set({ queue: next, index: queueIndex(next) });
    } else set({ index: Math.max(0, Math.min(total - 1, index + by)) });
  },
  close: () => set({ index: null, queue: null }),
}));

/**
 * The scene's stream beside a marker's clip: Stash's `/scene/S/scene_marker/M/stream` (or the
 * host's proxy of it) becomes `/scene/S/stream` on the same server.
 */
export function sceneStreamUrl(markerStreamUrl: string): string {
  return markerStreamUrl.replace(/\/scene_marker\/\d+\/stream(?=$|\?)/, '/stream');
}
