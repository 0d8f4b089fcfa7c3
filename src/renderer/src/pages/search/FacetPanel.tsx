import { useState } from 'react';
import type { FacetCount, MarkerSearchResult } from '../../../../shared/search-query';
import { formatCount } from '../../lib/format';
import { useSearch } from '../../stores/search-store';

const SECTIONS: { key: keyof MarkerSearchResult['facets']; title: string }[] = [
  { key: 'primaryTags', title: 'Primary tags' },
  { key: 'performers', title: 'Performers' },
  { key: 'sceneTags', title: 'Scene tags' },
  { key: 'studios', title: 'Studios' },
];

const FACET_LISTS_ID = 'facet-lists';

/**
 * The most frequent tags and performers among all results; a click narrows to one. In a narrow
 * window the panel folds under the filters and its toggle opens it (the stylesheet shows the
 * toggle only there; a wide window always shows the lists).
 */
export function FacetPanel() {
  const facets = useSearch((s) => s.facets);
  const addFacet = useSearch((s) => s.addFacet);
  const [open, setOpen] = useState(false);
  return (
    <aside className={open ? 'facet-panel open' : 'facet-panel'} aria-label="Facets">
      <button type="button" className="facet-toggle" aria-expanded={open} aria-controls={FACET_LISTS_ID} onClick={() => setOpen(!open)}>
        Facets
      </button>
      <div id={FACET_LISTS_ID} className="facet-lists">
        {facets &&
          SECTIONS.map(({ key, title }) => {
            const counts = facets[key] ?? [];
            return (
              <section key={key} className="facet-section">
                <h3>{title}</h3>
                {counts.length === 0 ? (
                  <p className="muted small">None</p>
                ) : (
                  <ul>
                    {counts.map((facet: FacetCount) => (
                      <li key={facet.id}>
                        <button
                          type="button"
                          className="facet"
                          title={`Only results with ${facet.name}`}
                          aria-label={`${title}: ${facet.name} (${formatCount(facet.count)})`}
                          onClick={() => addFacet(key, facet)}
                        >
                          <span className="facet-name">{facet.name}</span>
                          <span className="facet-count">{formatCount(facet.count)}</span>
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            );
          })}
      </div>
    </aside>
  );
}
