import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useState, type KeyboardEvent } from 'react';
import { columnsFor, gridMove, TILE_GAP } from '../../lib/wall-grid';
import { hitAt } from '../../stores/search-store';
import { SEARCH_BOX_ID } from './SearchBox';
import { useResults } from './use-results';
import { PendingTile, WallTile } from './WallTile';

/** Below the picture: two lines of caption. */
const CAPTION_HEIGHT = 52;
const PAGE_ROWS = 3;

/**
 * The results as a wall of large screenshots, virtualized by rows of tiles as the list is by rows:
 * only the rows in view exist in the page, whatever the number of results. The wall keeps focus
 * and points at the active tile (aria-activedescendant), as the list does; the active tile plays
 * its preview while the wall has focus, as does a tile under the mouse.
 */
export function WallView() {
  const { total, pages, activeIndex, setActiveIndex, ensureLoaded, open, scrollRef, listboxProps, optionProps } = useResults();
  const [width, setWidth] = useState(0);
  const [focused, setFocused] = useState(false);
  const [hovered, setHovered] = useState<number | null>(null);

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
    return () => observer.disconnect();
  }, [scrollRef]);
  const inner = Math.max(0, width - 2 * TILE_GAP);
  const columns = columnsFor(inner);
  const tileWidth = (inner - (columns - 1) * TILE_GAP) / columns;
  const rowHeight = Math.round((tileWidth * 9) / 16) + CAPTION_HEIGHT + TILE_GAP;

  const virtualizer = useVirtualizer({
    count: Math.ceil(total / columns),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    paddingStart: TILE_GAP,
    overscan: 2,
  });
  useLayoutEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);
  const items = virtualizer.getVirtualItems();
  const first = items.length > 0 ? items[0]!.index * columns : 0;
  const last = items.length > 0 ? (items[items.length - 1]!.index + 1) * columns - 1 : 0;
  useEffect(() => ensureLoaded(first, Math.min(last, total - 1)), [first, last, total, pages, ensureLoaded]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'ArrowUp' && activeIndex < columns) {
      event.preventDefault();
      document.getElementById(SEARCH_BOX_ID)?.focus();
    } else if (event.key === 'Enter' && total > 0) {
      event.preventDefault();
      open(activeIndex);
    } else {
      const target = gridMove(event.key, activeIndex, columns, total, PAGE_ROWS);
      if (target === undefined) return;
      event.preventDefault();
      setActiveIndex(target);
    }
  };
  // The active tile in view, however it became active: the keyboard, or the player closed on another.
  useEffect(() => {
    if (total > 0) virtualizer.scrollToIndex(Math.floor(activeIndex / columns), { align: 'auto' });
  }, [activeIndex, columns, total, virtualizer]);

  return (
    <div
      {...listboxProps}
      className="wall"
      aria-orientation="horizontal"
      onKeyDown={onKeyDown}
      onFocus={() => setFocused(true)}
      onBlur={() => setFocused(false)}
      onMouseLeave={() => setHovered(null)}
    >
      <div className="result-canvas" style={{ height: virtualizer.getTotalSize() + TILE_GAP }}>
        {items.map((item) =>
          Array.from({ length: columns }, (_, column) => item.index * columns + column)
            .filter((index) => index < total)
            .map((index) => {
              const hit = hitAt(pages, index);
              const column = index % columns;
              return (
                <div
                  key={hit ? `m${hit.id}` : `i${index}`}
                  {...optionProps(index)}
                  className={`wall-tile${index === activeIndex ? ' active' : ''}`}
                  style={{
                    transform: `translate(${TILE_GAP + column * (tileWidth + TILE_GAP)}px, ${item.start}px)`,
                    width: tileWidth,
                    height: rowHeight - TILE_GAP,
                  }}
                  onMouseEnter={() => setHovered(index)}
                >
                  {hit ? <WallTile hit={hit} previewing={hovered === index || (focused && index === activeIndex)} /> : <PendingTile />}
                </div>
              );
            }),
        )}
      </div>
    </div>
  );
}
