import { waitsForMoreText } from '../../stores/search-filters';
import { useSearch } from '../../stores/search-store';

export const SEARCH_BOX_ID = 'search-box';
export const RESULT_LIST_ID = 'result-list';
const WAITING_HINT_ID = 'search-box-hint';

/** Words to match; results follow as you type. Escape clears, ArrowDown goes to the results. */
export function SearchBox() {
  const text = useSearch((s) => s.filters.text);
  const setText = useSearch((s) => s.setText);
  const searching = useSearch((s) => s.searching);
  const waiting = waitsForMoreText(text);
  return (
    <div className="search-box">
      <label htmlFor={SEARCH_BOX_ID} className="visually-hidden">
        Search markers
      </label>
      <span className="search-icon" aria-hidden="true" />
      <input
        id={SEARCH_BOX_ID}
        type="search"
        placeholder="Search markers, tags, scenes, performers…  (press / to focus)"
        autoComplete="off"
        spellCheck={false}
        value={text}
        aria-describedby={waiting ? WAITING_HINT_ID : undefined}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            setText('');
          } else if (e.key === 'ArrowDown') {
            e.preventDefault();
            document.getElementById(RESULT_LIST_ID)?.focus();
          }
        }}
      />
      {searching && <span className="spinner" role="status" aria-label="Searching" />}
      {waiting && (
        <span id={WAITING_HINT_ID} className="search-hint" role="status">
          One more character to search
        </span>
      )}
    </div>
  );
}
