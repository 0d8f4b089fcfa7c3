/**
 * The marker search's vocabulary as the interface sees it: the query schema and its sorts, the hit
 * and facet shapes, and the word splitting the search box previews with. The interface reaches the
 * search only through here (a lint rule keeps src/renderer out of src/core), so what it depends on
 * stays a short, visible list.
 */
export { DEFAULT_DIRECTION, MarkerQuery, PERFORMER_GENDERS, SORTS } from '../core/search/query';
export type { FacetCount, MarkerHit, MarkerQueryInput, MarkerSearchResult, NamedRef, StudioFilter, StudioRef, TagFilter } from '../core/search/query';
export { searchWords } from '../core/search/text';
