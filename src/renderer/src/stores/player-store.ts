/**
 * The in-app player's place in the results: which result plays (an index into the search's
 * results, so next and previous follow the list as it loads), and whether it was opened from a
 * row, whose focus it gives back on closing.
 */
import { create } from 'zustand';

interface PlayerState {
  /** The result playing, or null when the player is closed. */
  index: number | null;
  open(index: number): void;
  step(by: 1 | -1, total: number): void;
  close(): void;
}

export const usePlayer = create<PlayerState>((set, get) => ({
  index: null,
  open: (index) => set({ index }),
  step: (by, total) => {
    const index = get().index;
    if (index === null) return;
    set({ index: Math.max(0, Math.min(total - 1, index + by)) });
  },
  close: () => set({ index: null }),
}));

/**
 * The scene's stream beside a marker's clip: Stash's `/scene/S/scene_marker/M/stream` (or the
 * host's proxy of it) becomes `/scene/S/stream` on the same server.
 */
export function sceneStreamUrl(markerStreamUrl: string): string {
  return markerStreamUrl.replace(/\/scene_marker\/\d+\/stream(?=$|\?)/, '/stream');
}
