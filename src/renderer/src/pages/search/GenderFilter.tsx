import { useEffect, useState } from 'react';
import { api, messageOf } from '../../api';
import { ErrorLine } from '../../components/ErrorLine';
import { formatEnumWord } from '../../lib/format';
import { useSearch } from '../../stores/search-store';

/** Scenes with at least one performer of a checked gender. */
export function GenderFilter() {
  const [genders, setGenders] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const chosen = useSearch((s) => s.filters.genders);
  const setFilters = useSearch((s) => s.setFilters);

  useEffect(() => {
    api.listGenders().then(setGenders, (failure: unknown) => setError(messageOf(failure)));
  }, []);

  const toggle = (gender: string, on: boolean) => setFilters({ genders: on ? [...chosen, gender] : chosen.filter((g) => g !== gender) });

  return (
    <fieldset className="filter-section">
      <legend>Performer gender</legend>
      <ErrorLine message={error} />
      <div className="check-grid">
        {genders.map((gender) => (
          <label key={gender} className="check">
            <input type="checkbox" checked={chosen.includes(gender)} onChange={(e) => toggle(gender, e.target.checked)} />
            {formatEnumWord(gender)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
