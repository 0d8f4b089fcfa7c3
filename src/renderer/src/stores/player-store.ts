/**
 * The in-app player's place in the results: which result plays (an index into the search's
 * results, so next and previous follow the list as it loads), and, in "play all", the queue that
 * decides which result comes next (lib/play-queue.ts). A new search makes those indexes point
 * into other results, so the player then lets go of them: the marker it showed plays on by
 * itself, and play all, next and previous stop (never a jump to a marker the user did not choose).
 */
import { create } from 'zustand';
import type { MarkerHit } from '../../../shared/search-query';
import { queueIndex, startQueue, stepQueue, type PlayOrder, type PlayQueue } from '../lib/play-queue';

/** The marker the player kept when a new search replaced the results it stepped through, and the line saying so. */
export interface KeptMarker {
  hit: MarkerHit;
  note: string;
}

export const PLAY_ALL_STOPPED_NOTE = 'Play all stopped: a new search changed the results.';
export const STEPPING_STOPPED_NOTE = 'A new search changed the results: close the player to play from them.';

interface PlayerState {
  /** The result playing, or null when the player is closed or keeps a marker of replaced results. */
  index: number | null;
  /** Play all's queue; null when one marker plays (it loops). */
  queue: PlayQueue | null;
  kept: KeptMarker | null;
  open(index: number): void;
  /** Plays the `total` results back to back; a shuffled order is drawn from `seed`. */
  playAll(order: PlayOrder, total: number, seed?: number): void;
  step(by: 1 | -1, total: number): void;
  /** A new search replaced the results; `shown` is the marker the player showed of the old ones, if it had loaded. */
  resultsReplaced(shown: MarkerHit | undefined): void;
  close(): void;
}

export const usePlayer = create<PlayerState>((set, get) => ({
  index: null,
  queue: null,
  kept: null,
  open: (index) => set({ index, queue: null, kept: null }),
  playAll: (order, total, seed = Math.floor(Math.random() * 2 ** 32)) => {
    if (total <= 0) return;
    const queue = startQueue(order, total, seed);
    set({ queue, index: queueIndex(queue), kept: null });
  },
  step: (by, total) => {
    const { index, queue } = get();
    if (index === null) return;
    if (queue) {
      const next = stepQueue(queue, by);
      set({ queue: next, index: queueIndex(next) });
    } else set({ index: Math.max(0, Math.min(total - 1, index + by)) });
  },
  resultsReplaced: (shown) => {
    const { index, queue } = get();
    if (index === null) return;
    // Nothing was showing yet: nothing of the user's choice is left to keep.
    if (!shown) return set({ index: null, queue: null });
    set({ index: null, queue: null, kept: { hit: shown, note: queue ? PLAY_ALL_STOPPED_NOTE : STEPPING_STOPPED_NOTE } });
  },
  close: () => set({ index: null, queue: null, kept: null }),
}));

/**
 * The scene's stream beside a marker's clip: Stash's `/scene/S/scene_marker/M/stream` (or the
 * host's proxy of it) becomes `/scene/S/stream` on the same server.
 */
export function sceneStreamUrl(markerStreamUrl: string): string {
  return markerStreamUrl.replace(/\/scene_marker\/\d+\/stream(?=$|\?)/, '/stream');
}

/** The player shows a marker: one of the results, or one it kept from results a search replaced. */
export function playerOpen(state: Pick<PlayerState, 'index' | 'kept'>): boolean {
  return state.index !== null || state.kept !== null;
}
