import { hasChangedAddGroup, useSearch } from '../../stores/search-store';
import { countActiveFilters, type YesNo } from '../../stores/search-filters';
import { FilterField } from './FilterField';
import { GenderFilter } from './GenderFilter';
import { RefPicker } from './RefPicker';

/** Everything that narrows the search besides the words typed. */
export function FilterPanel() {
  const filters = useSearch((s) => s.filters);
  const setFilters = useSearch((s) => s.setFilters);
  const clearFilters = useSearch((s) => s.clearFilters);
  const active = countActiveFilters(filters);
  const groupChanged = useSearch(hasChangedAddGroup);

  return (
    <aside className="filter-panel" aria-label="Filters">
      <div className="filter-panel-head">
        <h2>Filters</h2>
        <button type="button" className="link-button" onClick={clearFilters} disabled={active === 0 && !groupChanged}>
          Clear{active > 0 ? ` (${active})` : ''}
        </button>
      </div>

      <RefPicker category="markerTags" noun="Marker tag" title="Marker tags">
        <label className="check">
          <input type="checkbox" checked={filters.primaryTagOnly} onChange={(e) => setFilters({ primaryTagOnly: e.target.checked })} />
          Primary tag only
        </label>
      </RefPicker>

      <RefPicker category="performers" noun="Performer" title="Performers">
        <label className="check">
          <input
            type="checkbox"
            checked={filters.favoritePerformersOnly}
            onChange={(e) => setFilters({ favoritePerformersOnly: e.target.checked })}
          />
          Favourite performers only
        </label>
        <div className="field-pair">
          <FilterField field="performerCountMin" label="Min performers" placeholder="0" numeric />
          <FilterField field="performerCountMax" label="Max performers" placeholder="any" numeric />
        </div>
      </RefPicker>
      <RefPicker category="performerTags" noun="Performer tag" title="Performer tags" />
      <GenderFilter />
      <RefPicker category="sceneTags" noun="Scene tag" title="Scene tags" />
      <RefPicker category="studios" noun="Studio" title="Studios" />

      <fieldset className="filter-section">
        <legend>Scene</legend>
        <div className="field-pair">
          <FilterField field="sceneDateFrom" label="Date from" placeholder="YYYY-MM-DD" />
          <FilterField field="sceneDateTo" label="Date to" placeholder="YYYY-MM-DD" />
        </div>
        <div className="field-pair">
          <FilterField field="sceneMinutesMin" label="Min duration (min)" placeholder="0" numeric />
          <FilterField field="sceneMinutesMax" label="Max duration (min)" placeholder="any" numeric />
        </div>
        <div className="field-pair">
          <FilterField field="sceneRatingMin" label="Min rating (0-100)" placeholder="0" numeric />
          <FilterField field="sceneRatingMax" label="Max rating (0-100)" placeholder="100" numeric />
        </div>
        <div className="filter-field">
          <label htmlFor="organized">Organized</label>
          <select id="organized" value={filters.sceneOrganized} onChange={(e) => setFilters({ sceneOrganized: e.target.value as YesNo })}>
            <option value="any">Organized or not</option>
            <option value="yes">Organized</option>
            <option value="no">Not organized</option>
          </select>
        </div>
      </fieldset>

      <fieldset className="filter-section">
        <legend>Marker</legend>
        <div className="field-pair">
          <FilterField field="markerSecondsMin" label="Min length (s)" placeholder="0" numeric />
          <FilterField field="markerSecondsMax" label="Max length (s)" placeholder="any" numeric />
        </div>
        <div className="filter-field">
          <label htmlFor="has-end">End time</label>
          <select id="has-end" value={filters.hasEnd} onChange={(e) => setFilters({ hasEnd: e.target.value as YesNo })}>
            <option value="any">With or without</option>
            <option value="yes">Has an end time</option>
            <option value="no">No end time</option>
          </select>
        </div>
      </fieldset>
    </aside>
  );
}
