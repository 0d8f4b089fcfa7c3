/**
 * The results' view, list or wall. The address carries it (search-url.ts); the last choice is also
 * remembered across runs, for an address that names none (a new window, the app started again).
 */
import { create } from 'zustand';
import { isResultsView, type ResultsView } from '../lib/url-state';

const REMEMBERED_KEY = 'stash-mirror.results-view';

export function rememberedView(): ResultsView | undefined {
  try {
    const view = localStorage.getItem(REMEMBERED_KEY);
    return isResultsView(view) ? view : undefined;
  } catch {
    // Storage unavailable: every run starts with the list.
    return undefined;
  }
}

interface ViewState {
  view: ResultsView;
  setView(view: ResultsView): void;
}

export const useResultsView = create<ViewState>((set) => ({
  view: 'list',
  setView: (view) => {
    try {
      localStorage.setItem(REMEMBERED_KEY, view);
    } catch {
      // A full or disabled storage only costs the choice at the next run.
    }
    set({ view });
  },
}));
