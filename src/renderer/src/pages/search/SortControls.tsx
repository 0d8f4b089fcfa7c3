import { SORTS } from '../../../../shared/search-query';
import { useSearch } from '../../stores/search-store';
import { hasDirection, SORT_LABELS, type Direction, type Sort } from '../../stores/search-filters';

export function SortControls() {
  const sort = useSearch((s) => s.filters.sort);
  const direction = useSearch((s) => s.filters.direction);
  const setSort = useSearch((s) => s.setSort);
  const setFilters = useSearch((s) => s.setFilters);
  return (
    <div className="sort-controls">
      <label htmlFor="sort">Sort</label>
      <select id="sort" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
        {SORTS.map((s) => (
          <option key={s} value={s}>
            {SORT_LABELS[s]}
          </option>
        ))}
      </select>
      {sort === 'random' && (
        <button type="button" onClick={() => setSort('random')}>
          Shuffle
        </button>
      )}
      {hasDirection(sort) && (
        <select aria-label="Direction" value={direction} onChange={(e) => setFilters({ direction: e.target.value as Direction })}>
          <option value="asc">Ascending</option>
          <option value="desc">Descending</option>
        </select>
      )}
    </div>
  );
}
