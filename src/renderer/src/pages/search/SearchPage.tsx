import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api';
import { ErrorLine } from '../../components/ErrorLine';
import { plural } from '../../lib/format';
import { useSearch } from '../../stores/search-store';
import { useSync } from '../../stores/sync-store';
import { FacetPanel } from './FacetPanel';
import { FilterPanel } from './FilterPanel';
import { FirstRun } from './FirstRun';
import { ResultList } from './ResultList';
import { SearchBox } from './SearchBox';
import { SortControls } from './SortControls';

export function SearchPage() {
  const status = useSync((s) => s.status);
  if (!status) return null;
  return status.mirrorReady ? <SearchWorkspace /> : <FirstRun />;
}

function SearchWorkspace() {
  const search = useSearch((s) => s.search);
  const total = useSearch((s) => s.total);
  const error = useSearch((s) => s.error);
  const [openError, setOpenError] = useState<string | null>(null);
  const onOpenError = useCallback((message: string) => setOpenError(message), []);

  // Search on arrival, and again whenever a sync has changed the mirror.
  useEffect(() => {
    search();
    return api.on('syncFinished', (outcome) => outcome.ok && search());
  }, [search]);

  return (
    <div className="search-page">
      <FilterPanel />
      <section className="results" aria-label="Search">
        <SearchBox />
        <div className="results-bar">
          <span className="result-count" aria-live="polite">
            {total === null ? (error ? 'Search failed' : 'Searching…') : total === 0 ? 'No markers match' : plural(total, 'marker')}
          </span>
          <SortControls />
        </div>
        <ErrorLine message={error} />
        <ErrorLine message={openError} />
        {total === 0 && <EmptyResults />}
        {total !== 0 && !error && <ResultList onOpenError={onOpenError} />}
      </section>
      <FacetPanel />
    </div>
  );
}

function EmptyResults() {
  const text = useSearch((s) => s.filters.text);
  return (
    <div className="empty-results">
      <p>No markers match{text ? ` “${text}”` : ''} with these filters.</p>
      <p className="muted">Try fewer words, or clear some filters.</p>
    </div>
  );
}

