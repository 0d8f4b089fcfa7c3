import type { PlayOrder } from '../../lib/play-queue';
import type { ResultsView } from '../../lib/url-state';
import { usePlayer } from '../../stores/player-store';
import { useSearch } from '../../stores/search-store';
import { useResultsView } from '../../stores/view-store';

const VIEWS: { view: ResultsView; label: string }[] = [
  { view: 'list', label: 'List' },
  { view: 'wall', label: 'Wall' },
];

/** List or wall: two toggle buttons, reached with Tab like the sort. */
export function ViewSwitch() {
  const current = useResultsView((s) => s.view);
  const setView = useResultsView((s) => s.setView);
  return (
    <div className="view-switch" role="group" aria-label="View">
      {VIEWS.map(({ view, label }) => (
        <button key={view} type="button" aria-pressed={current === view} onClick={() => setView(view)}>
          {label}
        </button>
      ))}
    </div>
  );
}

const PLAY_BUTTONS: { order: PlayOrder; label: string }[] = [
  { order: 'in-order', label: 'Play all' },
  { order: 'shuffled', label: 'Play shuffled' },
];

/** Plays every result back to back, in the results' order or shuffled. */
export function PlayAllButtons() {
  const total = useSearch((s) => s.total) ?? 0;
  const playAll = usePlayer((s) => s.playAll);
  return (
    <div className="play-all">
      {PLAY_BUTTONS.map(({ order, label }) => (
        <button key={order} type="button" disabled={total === 0} onClick={() => playAll(order, total)}>
          {label}
        </button>
      ))}
    </div>
  );
}
