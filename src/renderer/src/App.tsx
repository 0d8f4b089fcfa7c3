import { useEffect } from 'react';
import { ErrorLine } from './components/ErrorLine';
import { Header } from './components/Header';
import { SearchPage } from './pages/search/SearchPage';
import { SEARCH_BOX_ID } from './pages/search/SearchBox';
import { SettingsPage } from './pages/settings/SettingsPage';
import { SyncPage } from './pages/sync/SyncPage';
import { useApp } from './stores/app-store';
import { useNav } from './stores/nav-store';
import { followSync, useSync } from './stores/sync-store';

export function App() {
  const page = useNav((s) => s.page);
  const loadError = useApp((s) => s.loadError);
  const statusError = useSync((s) => s.statusError);

  useEffect(() => {
    void useApp.getState().load();
    return followSync();
  }, []);
  useFocusSearchShortcut();

  return (
    <div className="app">
      <Header />
      <ErrorLine message={loadError ?? (page === 'search' ? statusError : null)} className="banner" />
      <main className="app-main">
        {page === 'search' && <SearchPage />}
        {page === 'sync' && <SyncPage />}
        {page === 'settings' && <SettingsPage />}
      </main>
    </div>
  );
}

/** "/" anywhere but in a text field jumps to the search box. */
function useFocusSearchShortcut() {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      event.preventDefault();
      const box = document.getElementById(SEARCH_BOX_ID);
      if (box) return box.focus();
      useNav.getState().go('search');
      // The search page is only now rendering.
      requestAnimationFrame(() => document.getElementById(SEARCH_BOX_ID)?.focus());
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}

function isTyping(target: EventTarget | null): boolean {
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit'].includes(target.type);
  return target instanceof HTMLElement && (target.isContentEditable || ['TEXTAREA', 'SELECT'].includes(target.tagName));
}
