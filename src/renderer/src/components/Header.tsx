import { hrefOf, PAGES, useNav, type Page } from '../stores/nav-store';
import { SyncIndicator } from './SyncIndicator';

const PAGE_LABELS: Record<Page, string> = { search: 'Search', sync: 'Sync', settings: 'Settings' };

export function Header() {
  const page = useNav((s) => s.page);
  return (
    <header className="app-header">
      <span className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Stash Mirror
      </span>
      <nav aria-label="Main">
        {PAGES.map((p) => (
          <a key={p} href={hrefOf(p)} aria-current={p === page ? 'page' : undefined}>
            {PAGE_LABELS[p]}
          </a>
        ))}
      </nav>
      <SyncIndicator />
    </header>
  );
}
