import { create } from 'zustand';

export const PAGES = ['search', 'sync', 'settings'] as const;
export type Page = (typeof PAGES)[number];

/** The page lives in the URL's hash, so a reload stays on it and links are plain anchors. */
function pageFromHash(): Page {
  const name = window.location.hash.replace(/^#\/?/, '');
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'search';
}

export function hrefOf(page: Page): string {
  return `#/${page}`;
}

interface NavState {
  page: Page;
  go(page: Page): void;
}

export const useNav = create<NavState>((set) => ({
  page: pageFromHash(),
  go: (page) => {
    if (window.location.hash !== hrefOf(page)) window.location.hash = hrefOf(page);
    set({ page });
  },
}));

window.addEventListener('hashchange', () => useNav.setState({ page: pageFromHash() }));
