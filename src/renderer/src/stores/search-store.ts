import { create } from 'zustand';
import type { MarkerHit, MarkerSearchResult, NamedRef } from '../../../shared/search-query';
import { api, messageOf } from '../api';
import { debounce } from '../lib/debounce';
import {
  buildQuery,
  CATEGORY_GROUPS,
  type Filters,
  type FieldErrors,
  GROUPS,
  type Group,
  initialFilters,
  NATURAL_DIRECTION,
  narrowsSearch,
  REF_CATEGORIES,
  type RefCategory,
  type Sort,
} from './search-filters';
import { groupsByScene } from './search-groups';

export const PER_PAGE = 100;
const FACET_LIMIT = 12;
const TYPING_DELAY_MS = 150;

export interface SearchState {
  filters: Filters;
  /** The last change of the filters was typed: the address follows it without a history entry each keystroke. */
  typed: boolean;
  fieldErrors: FieldErrors;
  /** Bumped by every new search; answers for an older one are dropped. */
  generation: number;
  total: number | null;
  /** The results are for a search with no words and no filters: every marker in the mirror. */
  listsWholeMirror: boolean;
  /** Loaded pages of the current search, by page number (1-based). */
  pages: Record<number, MarkerHit[]>;
  facets: MarkerSearchResult['facets'] | null;
  /** The results are sorted by scene: the list shows each scene's markers under its header. */
  groupedByScene: boolean;
  searching: boolean;
  error: string | null;
  /** The result the keyboard is on. */
  activeIndex: number;
  /** Which group (all/any/none) each picker adds its next choice to. */
  addGroups: Record<RefCategory, Group>;

  setText(text: string): void;
  /** `typing`: wait for a pause before searching. */
  setFilters(patch: Partial<Filters>, typing?: boolean): void;
  setSort(sort: Sort): void;
  addRef(category: RefCategory, group: Group, ref: NamedRef): void;
  /** A facet clicked: narrows to exactly the results the facet counted. */
  addFacet(facet: keyof MarkerSearchResult['facets'], ref: NamedRef): void;
  removeRef(category: RefCategory, group: Group, id: number): void;
  setWithSubtags(category: RefCategory, group: Group, id: number, withSubtags: boolean): void;
  setAddGroup(category: RefCategory, group: Group): void;
  /** Drops every filter and puts the pickers' group back to their default; the words stay. */
  clearFilters(): void;
  /** The filters of an address (a reload, Back or Forward): taken as they are, then searched if `andSearch`. */
  restoreFilters(filters: Filters, andSearch: boolean): void;
  search(): void;
  /** Loads the pages holding results `first..last` (indexes), if not loaded yet. */
  ensureLoaded(first: number, last: number): void;
  setActiveIndex(index: number): void;
}

const FACET_CATEGORIES: Record<keyof MarkerSearchResult['facets'], RefCategory> = {
  primaryTags: 'markerTags',
  performers: 'performers',
  sceneTags: 'sceneTags',
  studios: 'studios',
};

const loadingPages = new Set<string>();

/** 'all' where a category offers it (a facet clicked narrows to exactly its count), else 'any'. */
export const defaultAddGroup = (category: RefCategory): Group => (CATEGORY_GROUPS[category].includes('all') ? 'all' : 'any');
const initialAddGroups = () =>
  Object.fromEntries(REF_CATEGORIES.map((category) => [category, defaultAddGroup(category)])) as Record<RefCategory, Group>;

/** Whether a picker adds to another group than it starts with: Clear has something to reset. */
export function hasChangedAddGroup(state: Pick<SearchState, 'addGroups'>): boolean {
  return REF_CATEGORIES.some((category) => state.addGroups[category] !== defaultAddGroup(category));
}

export const useSearch = create<SearchState>((set, get) => {
  const searchSoon = debounce(() => get().search(), TYPING_DELAY_MS);
  const apply = (filters: Filters, typing = false) => {
    set({ filters, typed: typing, fieldErrors: buildQuery(filters).errors });
    if (typing) searchSoon();
    else {
      searchSoon.cancel();
      get().search();
    }
  };
  const updateRefs = (category: RefCategory, group: Group, change: (refs: Filters[RefCategory][Group]) => Filters[RefCategory][Group]) => {
    const { filters } = get();
    apply({ ...filters, [category]: { ...filters[category], [group]: change(filters[category][group]) } });
  };

  // The query of the current generation: later pages must match the first even if the form moved on.
  let currentQuery = buildQuery(initialFilters()).query;
  const fetchPage = (page: number) => api.searchMarkers({ ...currentQuery, page, perPage: PER_PAGE, facetLimit: page === 1 ? FACET_LIMIT : 0 });

  return {
    filters: initialFilters(),
    typed: false,
    fieldErrors: {},
    generation: 0,
    total: null,
    listsWholeMirror: false,
    pages: {},
    facets: null,
    groupedByScene: false,
    searching: false,
    error: null,
    activeIndex: 0,
    addGroups: initialAddGroups(),

    setText: (text) => apply({ ...get().filters, text }, true),
    setFilters: (patch, typing) => apply({ ...get().filters, ...patch }, typing),
    setSort: (sort) => apply({ ...get().filters, sort, direction: NATURAL_DIRECTION[sort], seed: sort === 'random' ? randomSeed() : 0 }),
    addRef: (category, group, ref) => apply(withRef(get().filters, category, group, ref)),
    addFacet: (facet, ref) => {
      const { filters } = get();
      const category = FACET_CATEGORIES[facet];
      const next = withRef(filters, category, defaultAddGroup(category), ref);
      // Primary-tag facets count markers by their primary tag only.
      const firstMarkerTag = GROUPS.every((g) => filters.markerTags[g].length === 0);
      apply(facet === 'primaryTags' && firstMarkerTag ? { ...next, primaryTagOnly: true } : next);
    },
    removeRef: (category, group, id) => updateRefs(category, group, (refs) => refs.filter((r) => r.id !== id)),
    setWithSubtags: (category, group, id, withSubtags) =>
      updateRefs(category, group, (refs) => refs.map((r) => (r.id === id ? { ...r, withSubtags } : r))),
    setAddGroup: (category, group) => set({ addGroups: { ...get().addGroups, [category]: group } }),
    clearFilters: () => {
      const { text, sort, direction, seed } = get().filters;
      set({ addGroups: initialAddGroups() });
      apply({ ...initialFilters(), text, sort, direction, seed });
    },
    restoreFilters: (filters, andSearch) => {
      searchSoon.cancel();
      set({ filters, typed: false, fieldErrors: buildQuery(filters).errors });
      if (andSearch) get().search();
    },

    search: () => {
      const generation = get().generation + 1;
      const { filters } = get();
      currentQuery = buildQuery(filters).query;
      set({ generation, searching: true });
      fetchPage(1).then(
        (result) => {
          if (get().generation !== generation) return;
          set({
            total: result.total,
            // Judged by the filters searched, not the form, which may have moved on while it ran.
            listsWholeMirror: !narrowsSearch(filters),
            pages: { 1: result.hits },
            facets: result.facets,
            groupedByScene: groupsByScene(filters.sort),
            searching: false,
            error: null,
            activeIndex: 0,
          });
        },
        (error: unknown) => {
          if (get().generation !== generation) return;
          // No stale results under a failed search: they would not match what was asked.
          set({ searching: false, error: messageOf(error), total: null, pages: {}, facets: null });
        },
      );
    },

    ensureLoaded: (first, last) => {
      const { generation, pages, total } = get();
      if (total === null) return;
      const lastPage = Math.ceil(total / PER_PAGE);
      for (let page = Math.floor(first / PER_PAGE) + 1; page <= Math.min(lastPage, Math.floor(last / PER_PAGE) + 1); page++) {
        const key = `${generation}:${page}`;
        if (pages[page] || loadingPages.has(key)) continue;
        loadingPages.add(key);
        fetchPage(page)
          .then(
            (result) => {
              if (get().generation === generation) set({ pages: { ...get().pages, [page]: result.hits } });
            },
            (error: unknown) => {
              if (get().generation === generation) set({ error: messageOf(error) });
            },
          )
          .finally(() => loadingPages.delete(key));
      }
    },

    setActiveIndex: (index) => set({ activeIndex: index }),
  };
});

/** The filters with `ref` in `group`; a ref sits in one group only, so choosing it again moves it. */
function withRef(filters: Filters, category: RefCategory, group: Group, ref: NamedRef): Filters {
  const without = (g: Group) => filters[category][g].filter((r) => r.id !== ref.id);
  const chosen = { any: without('any'), all: without('all'), none: without('none') };
  chosen[group].push({ id: ref.id, name: ref.name, withSubtags: false });
  return { ...filters, [category]: chosen };
}

export function hitAt(pages: Record<number, MarkerHit[]>, index: number): MarkerHit | undefined {
  return pages[Math.floor(index / PER_PAGE) + 1]?.[index % PER_PAGE];
}

function randomSeed(): number {
  return Math.floor(Math.random() * 1_000_000);
}
