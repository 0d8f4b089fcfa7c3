import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { sceneLabel } from '../../../../shared/scene-label';
import type { MarkerHit } from '../../../../shared/search-query';
import { plainRows, sceneRows, type SceneRows } from '../../stores/search-groups';
import { hitAt, PER_PAGE, useSearch } from '../../stores/search-store';
import { PendingRow, ResultRow } from './ResultRow';
import { SEARCH_BOX_ID } from './SearchBox';
import { useResults } from './use-results';

const ROW_HEIGHT = 84;
const HEADER_HEIGHT = 32;
const PAGE_ROWS = 8;

/** Where the marker at `index` starts in the list: every row above it is a marker or a header. */
const startOf = (rows: SceneRows, index: number) => index * ROW_HEIGHT + (rows.rowOfMarker(index) - index) * HEADER_HEIGHT;

/**
 * All results as one virtual list: only the rows in view exist in the page, further pages load as
 * they scroll into view. The list keeps focus and points at the active row (aria-activedescendant).
 * Sorted by scene, a header row stands above each scene's markers; the keyboard moves between
 * markers only, bringing a scene's header into view with its first marker.
 */
export function ResultList() {
  const { total, pages, activeIndex, setActiveIndex, ensureLoaded, open, scrollRef, listboxProps, optionProps } = useResults();
  const grouped = useSearch((s) => s.groupedByScene);
  const rows = useMemo(
    () => (grouped ? sceneRows(total, loadedIndexes(pages), (index) => hitAt(pages, index)) : plainRows(total)),
    [grouped, total, pages],
  );

  const virtualizer = useVirtualizer({
    count: rows.count,
    getScrollElement: () => scrollRef.current,
    estimateSize: (row) => (rows.rowAt(row).kind === 'header' ? HEADER_HEIGHT : ROW_HEIGHT),
    overscan: 6,
  });
  const items = virtualizer.getVirtualItems();

  // Headers placed as a page loads move the rows below them: the marker in view (the active one, or
  // the first) keeps its place, so what the user looks at stays put.
  // Only within one search's results (its first page stays while later pages load).
  const results = pages[1];
  const anchor = useRef<{ rows: SceneRows; results: MarkerHit[] | undefined; marker: number } | null>(null);
  useLayoutEffect(() => {
    // The sizes follow the rows: a header is shorter than a marker.
    virtualizer.measure();
    const before = anchor.current;
    const element = scrollRef.current;
    if (!before || !element || before.results !== results || before.rows === rows) return;
    const shift = startOf(rows, before.marker) - startOf(before.rows, before.marker);
    if (shift !== 0) element.scrollTop += shift;
  }, [rows, results, scrollRef, virtualizer]);
  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const top = element.scrollTop;
    const activeStart = startOf(rows, activeIndex);
    const firstInView = items.find((item) => item.start >= top);
    const marker =
      activeStart >= top && activeStart < top + element.clientHeight ? activeIndex : firstInView ? rows.rowAt(firstInView.index).marker : 0;
    anchor.current = { rows, results, marker };
  });
  const first = items.length > 0 ? rows.rowAt(items[0]!.index).marker : 0;
  const last = items.length > 0 ? rows.rowAt(items[items.length - 1]!.index).marker : 0;

  useEffect(() => ensureLoaded(first, last), [first, last, pages, ensureLoaded]);

  const moveTo = (index: number) => {
    const clamped = Math.max(0, Math.min(total - 1, index));
    setActiveIndex(clamped);
    const row = rows.rowOfMarker(clamped);
    virtualizer.scrollToIndex(row, { align: 'auto' });
    // The first marker of a scene brings its header along (a no-op when it shows already).
    if (rows.startsScene(clamped)) virtualizer.scrollToIndex(row - 1, { align: 'auto' });
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
    <div {...listboxProps} className="result-list" onKeyDown={onKeyDown}>
      <div className="result-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = rows.rowAt(item.index);
          const index = row.marker;
          const hit = hitAt(pages, index);
          if (row.kind === 'header') return <SceneHeader key={item.key} hit={hit!} start={item.start} />;
          return (
            <div
              key={item.key}
              {...optionProps(index)}
              className={`result-row${index === activeIndex ? ' active' : ''}`}
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
            >
              {hit ? <ResultRow hit={hit} /> : <PendingRow />}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/**
 * A scene's title, date and studio above its markers. Each marker row names its scene too, so the
 * header is left out of what a screen reader lists (only options belong in the list box).
 */
function SceneHeader({ hit, start }: { hit: MarkerHit; start: number }) {
  const scene = sceneLabel(hit.scene) ?? `Scene ${hit.scene.id}`;
  return (
    <div className="scene-header" aria-hidden="true" style={{ transform: `translateY(${start}px)`, height: HEADER_HEIGHT }}>
      <span className="scene-header-title" title={scene}>
        {scene}
      </span>
      {hit.scene.studio && <span className="scene-studio">{hit.scene.studio.name}</span>}
      {hit.scene.date && <span className="scene-date">{hit.scene.date}</span>}
    </div>
  );
}

/** The indexes of the results loaded so far. */
function* loadedIndexes(pages: Record<number, MarkerHit[]>): Generator<number> {
  for (const [page, hits] of Object.entries(pages)) {
    const offset = (Number(page) - 1) * PER_PAGE;
    for (let k = 0; k < hits.length; k++) yield offset + k;
  }
}
