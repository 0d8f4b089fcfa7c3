/**
 * The search form in the address, so a reload, Back and Forward bring a search back. Typing rewrites
 * the current entry (none per keystroke: Back goes to the last deliberate change); a deliberate
 * change (a filter, the sort) pushes an entry. The same for the app:// window and the headless host: only the query part
 * changes, the page stays in the hash (nav-store.ts).
 */
import type { NamedRef } from '../../../shared/search-query';
import { filtersOfSearch, REF_KIND, searchOfFilters, unknownName, viewOfSearch, withView, type NameOf, type RefKind } from '../lib/url-state';
import { GROUPS, REF_CATEGORIES, type Chosen, type Filters, type RefCategory } from './search-filters';
import { useSearch, type SearchState } from './search-store';
import { rememberedView, useResultsView } from './view-store';

/** Names of the refs chosen in this tab: the address carries ids only. */
const NAMES_KEY = 'stash-mirror.ref-names';

function rememberedNames(): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(NAMES_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    // Storage unavailable or overwritten by hand: refs then show their ids until a search names them.
    return {};
  }
}

function rememberNames(filters: Filters): void {
  const names = rememberedNames();
  let changed = false;
  for (const category of REF_CATEGORIES) {
    for (const group of GROUPS) {
      for (const ref of filters[category][group]) {
        const key = `${REF_KIND[category]}:${ref.id}`;
        if (ref.name === unknownName(ref.id) || names[key] === ref.name) continue;
        names[key] = ref.name;
        changed = true;
      }
    }
  }
  if (!changed) return;
  try {
    sessionStorage.setItem(NAMES_KEY, JSON.stringify(names));
  } catch {
    // A full or disabled storage only costs the names after a reload.
  }
}

const nameOf: NameOf = (kind, id) => {
  const name = rememberedNames()[`${kind}:${id}`];
  return typeof name === 'string' ? name : undefined;
};

/**
 * The refs known only by id (an address from another tab or a bookmark) named from what the search
 * found: a chosen tag or performer in an all/any group shows up in the results and their facets.
 */
function nameFromResults(state: SearchState): void {
  const found = new Map<string, string>();
  const add = (kind: RefKind, refs: readonly NamedRef[]) => refs.forEach((ref) => found.set(`${kind}:${ref.id}`, ref.name));
  for (const hit of state.pages[1] ?? []) {
    add('tag', [hit.primaryTag, ...hit.tags]);
    add('performer', hit.performers);
    if (hit.scene.studio) add('studio', [hit.scene.studio]);
  }
  if (state.facets) {
    add('tag', [...state.facets.primaryTags, ...state.facets.sceneTags]);
    add('performer', state.facets.performers);
    add('studio', state.facets.studios ?? []);
  }
  let renamed = false;
  const named = (category: RefCategory): Chosen => {
    const chosen = state.filters[category];
    return Object.fromEntries(
      GROUPS.map((group) => [
        group,
        chosen[group].map((ref) => {
          const name = ref.name === unknownName(ref.id) ? found.get(`${REF_KIND[category]}:${ref.id}`) : undefined;
          if (name === undefined) return ref;
          renamed = true;
          return { ...ref, name };
        }),
      ]),
    ) as Chosen;
  };
  const filters = { ...state.filters, ...Object.fromEntries(REF_CATEGORIES.map((category) => [category, named(category)])) };
  // Only names change: the same search, so the address stays and nothing is searched again.
  if (renamed) useSearch.setState({ filters, typed: false });
}

function writeAddress(filters: Filters, how: 'push' | 'replace'): void {
  rememberNames(filters);
  const search = withView(searchOfFilters(filters), useResultsView.getState().view);
  if (search === window.location.search) return;
  const url = `${window.location.pathname}${search}${window.location.hash}`;
  if (how === 'push') window.history.pushState(null, '', url);
  else window.history.replaceState(window.history.state, '', url);
}

/** True while the form takes the address's search, so the change it makes adds no history entry. */
let restoring = false;

/**
 * Takes the address's search into the form, and writes back what it could read of it. An address
 * naming no view shows the remembered one on arrival, but the list on Back or Forward: an entry
 * this page wrote without a view was the list's.
 */
function restoreFromAddress(andSearch: boolean): void {
  const view = viewOfSearch(window.location.search) ?? (andSearch ? 'list' : (rememberedView() ?? 'list'));
  const filters = filtersOfSearch(window.location.search, nameOf);
  const { filters: current, restoreFilters } = useSearch.getState();
  restoring = true;
  try {
    if (view !== useResultsView.getState().view) useResultsView.getState().setView(view);
    if (searchOfFilters(filters) !== searchOfFilters(current)) restoreFilters(filters, andSearch);
  } finally {
    restoring = false;
  }
  // A hand-edited or stale address loses what was dropped, so it shows what is searched.
  writeAddress(useSearch.getState().filters, 'replace');
}

/** Keeps the form and the address in step from now on (the form first takes the address's); returns stop. */
export function followSearchAddress(): () => void {
  restoreFromAddress(false);
  const onPopState = () => restoreFromAddress(true);
  window.addEventListener('popstate', onPopState);
  const unsubscribe = useSearch.subscribe((state, previous) => {
    // A restore comes from the address (load, Back, Forward): it rewrites that entry, never adds one.
    if (state.filters !== previous.filters) writeAddress(state.filters, state.typed || restoring ? 'replace' : 'push');
    if (state.pages !== previous.pages) nameFromResults(state);
  });
  // Switching the view is a deliberate change: Back goes to the other view.
  const unsubscribeView = useResultsView.subscribe((state, previous) => {
    if (state.view !== previous.view) writeAddress(useSearch.getState().filters, restoring ? 'replace' : 'push');
  });
  return () => {
    window.removeEventListener('popstate', onPopState);
    unsubscribe();
    unsubscribeView();
  };
}
