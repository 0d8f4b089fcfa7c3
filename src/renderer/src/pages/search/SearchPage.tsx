import { useEffect } from 'react';
import { api } from '../../api';
import { ErrorLine } from '../../components/ErrorLine';
import { plural } from '../../lib/format';
import { playerOpen, usePlayer } from '../../stores/player-store';
import { useSearch } from '../../stores/search-store';
import { followSearchAddress } from '../../stores/search-url';
import { useSync } from '../../stores/sync-store';
import { useResultsView } from '../../stores/view-store';
import { FacetPanel } from './FacetPanel';
import { FilterPanel } from './FilterPanel';
import { FirstRun } from './FirstRun';
import { Player } from './Player';
import { ResultList } from './ResultList';
import { PlayAllButtons, ViewSwitch } from './ResultsActions';
import { SearchBox } from './SearchBox';
import { SortControls } from './SortControls';
import { WallView } from './WallView';

export function SearchPage() {
  const status = useSync((s) => s.status);
  if (!status) return null;
  return status.mirrorReady ? <SearchWorkspace /> : <FirstRun />;
}

function SearchWorkspace() {
  const search = useSearch((s) => s.search);
  const total = useSearch((s) => s.total);
  const error = useSearch((s) => s.error);
  // Nothing found without words or filters: the library itself has no markers, no filter is to blame.
  const mirrorEmpty = useSearch((s) => s.total === 0 && s.listsWholeMirror);
  const view = useResultsView((s) => s.view);

  // Search on arrival (for the search in the address), and again whenever a sync has changed the
  // mirror, but not under the player: a new search would stop play all (a periodic sync would end
  // what the user watches), so that refresh waits until the player closes.
  useEffect(() => {
    const stopFollowing = followSearchAddress();
    search();
    let refreshPending = false;
    const stopListening = api.on('syncFinished', (outcome) => {
      if (!outcome.ok) return;
      if (playerOpen(usePlayer.getState())) refreshPending = true;
      else search();
    });
    const stopWatching = usePlayer.subscribe((player) => {
      if (!refreshPending || playerOpen(player)) return;
      refreshPending = false;
      search();
    });
    return () => {
      stopFollowing();
      stopListening();
      stopWatching();
    };
  }, [search]);

  return (
    <div className="search-page">
      <FilterPanel />
      <section className="results" aria-label="Search">
        <SearchBox />
        <div className="results-bar">
          <span className="result-count" aria-live="polite">
            {resultCountLabel(total, error, mirrorEmpty)}
          </span>
          <div className="results-actions">
            <PlayAllButtons />
            <ViewSwitch />
            <SortControls />
          </div>
        </div>
        <ErrorLine message={error} />
        {total === 0 && (mirrorEmpty ? <EmptyMirror /> : <EmptyResults />)}
        {total !== 0 && !error && (view === 'wall' ? <WallView /> : <ResultList />)}
        <Player />
      </section>
      <FacetPanel />
    </div>
  );
}

function resultCountLabel(total: number | null, error: string | null, mirrorEmpty: boolean): string {
  if (total === null) return error ? 'Search failed' : 'Searching…';
  if (total === 0) return mirrorEmpty ? 'No markers' : 'No markers match';
  return plural(total, 'marker');
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

function EmptyMirror() {
  return (
    <div className="empty-results">
      <p>The mirror holds no markers: the Stash library had none at the last sync.</p>
      <p className="muted">Markers added in Stash show up here after the next sync.</p>
    </div>
  );
}
