import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { usePlayer } from '../../stores/player-store';
import { hitAt, useSearch } from '../../stores/search-store';
import { PendingRow, ResultRow } from './ResultRow';
import { RESULT_LIST_ID, SEARCH_BOX_ID } from './SearchBox';

const ROW_HEIGHT = 84;
const PAGE_ROWS = 8;

const rowId = (index: number) => `result-${index}`;

/**
 * All results as one virtual list: only the rows in view exist in the page, further pages load as
 * they scroll into view. The list keeps focus and points at the active row (aria-activedescendant).
 */
export function ResultList() {
  const total = useSearch((s) => s.total) ?? 0;
  const pages = useSearch((s) => s.pages);
  const generation = useSearch((s) => s.generation);
  const activeIndex = useSearch((s) => s.activeIndex);
  const setActiveIndex = useSearch((s) => s.setActiveIndex);
  const ensureLoaded = useSearch((s) => s.ensureLoaded);
  const scrollRef = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => ensureLoaded(first, last), [first, last, pages, ensureLoaded]);
  // A new search starts at the top.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [generation]);

  const open = usePlayer((s) => s.open);

  const moveTo = (index: number) => {
    const clamped = Math.max(0, Math.min(total - 1, index));
    setActiveIndex(clamped);
    virtualizer.scrollToIndex(clamped, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = {
      ArrowDown: activeIndex + 1,
      ArrowUp: activeIndex - 1,
      PageDown: activeIndex + PAGE_ROWS,
      PageUp: activeIndex - PAGE_ROWS,
      Home: 0,
      End: total - 1,
    };
    if (event.key === 'ArrowUp' && activeIndex === 0) {
      event.preventDefault();
      document.getElementById(SEARCH_BOX_ID)?.focus();
    } else if (event.key in moves && total > 0) {
      event.preventDefault();
      moveTo(moves[event.key]!);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      open(activeIndex);
    }
  };

  return (
    <div
      ref={scrollRef}
      id={RESULT_LIST_ID}
      className="result-list"
      role="listbox"
      aria-label="Results"
      tabIndex={0}
      aria-activedescendant={total > 0 ? rowId(activeIndex) : undefined}
      onKeyDown={onKeyDown}
    >
      <div className="result-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const hit = hitAt(pages, item.index);
          return (
            <div
              key={item.key}
              id={rowId(item.index)}
              role="option"
              aria-selected={item.index === activeIndex}
              aria-posinset={item.index + 1}
              aria-setsize={total}
              className={`result-row${item.index === activeIndex ? ' active' : ''}`}
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              onClick={() => {
                setActiveIndex(item.index);
                open(item.index);
              }}
            >
              {hit ? <ResultRow hit={hit} /> : <PendingRow />}
            </div>
          );
        })}
      </div>
    </div>
  );
}
