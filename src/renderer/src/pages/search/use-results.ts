import { useEffect, useRef } from 'react';
import { usePlayer } from '../../stores/player-store';
import { useSearch } from '../../stores/search-store';
import { RESULT_LIST_ID } from './SearchBox';

const optionId = (index: number) => `result-${index}`;

/**
 * What the list and the wall share: the search's results and the active one, a new search
 * scrolled back to the top, and the attributes of the list box (which keeps focus and points at
 * the active result) and of each result in it (a click makes it active and plays it).
 */
export function useResults() {
  const total = useSearch((s) => s.total) ?? 0;
  const pages = useSearch((s) => s.pages);
  const generation = useSearch((s) => s.generation);
  const activeIndex = useSearch((s) => s.activeIndex);
  const setActiveIndex = useSearch((s) => s.setActiveIndex);
  const ensureLoaded = useSearch((s) => s.ensureLoaded);
  const open = usePlayer((s) => s.open);
  const scrollRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [generation]);

  const listboxProps = {
    ref: scrollRef,
    id: RESULT_LIST_ID,
    role: 'listbox',
    'aria-label': 'Results',
    tabIndex: 0,
    'aria-activedescendant': total > 0 ? optionId(activeIndex) : undefined,
  } as const;
  const optionProps = (index: number) =>
    ({
      id: optionId(index),
      role: 'option',
      'aria-selected': index === activeIndex,
      'aria-posinset': index + 1,
      'aria-setsize': total,
      onClick: () => {
        setActiveIndex(index);
        open(index);
      },
    }) as const;
  return { total, pages, activeIndex, setActiveIndex, ensureLoaded, open, scrollRef, listboxProps, optionProps };
}
