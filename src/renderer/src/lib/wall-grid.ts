/** The wall's grid: how many tiles a row holds at a width, and where the keyboard moves. */

export const MIN_TILE_WIDTH = 240;
export const TILE_GAP = 10;

export function columnsFor(width: number): number {
  return Math.max(1, Math.floor((width + TILE_GAP) / (MIN_TILE_WIDTH + TILE_GAP)));
}

/**
 * The tile a key moves to from `index` (clamped to the results), or undefined for a key that does
 * not move. ←/→ go by tile, ↑/↓ by row (keeping the column), PageUp/PageDown by `pageRows` rows.
 */
export function gridMove(key: string, index: number, columns: number, total: number, pageRows: number): number | undefined {
  const moves: Record<string, number> = {
    ArrowRight: index + 1,
    ArrowLeft: index - 1,
    ArrowDown: index + columns,
    ArrowUp: index - columns,
    PageDown: index + columns * pageRows,
    PageUp: index - columns * pageRows,
    Home: 0,
    End: total - 1,
  };
  const target = moves[key];
  if (target === undefined || total === 0) return undefined;
  // Down from the row above the last, where the last row is short: to the last tile.
  return Math.max(0, Math.min(total - 1, target));
}
