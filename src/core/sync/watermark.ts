/**
 * Stash compares updated_at filters with stored strings character by character, in the server's
 * local time. The change query therefore asks for rows after the watermark minus an overlap,
 * written as a minute prefix: it covers a daylight-saving fall-back (an hour), bulk edits that stamp
 * rows with a time taken before their transaction, and every row that ties on the watermark's second.
 */
export const OVERLAP_MINUTES = 120;

const LOCAL_MINUTE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/;

/** The GREATER_THAN value for a change query, or null when the watermark is unusable. */
export function changeQueryFloor(watermark: string): string | null {
  const m = LOCAL_MINUTE.exec(watermark);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  // Wall-clock arithmetic: the offset in the string is not applied, exactly as Stash ignores it.
  const floor = new Date(Date.UTC(y, mo - 1, d, h, mi) - OVERLAP_MINUTES * 60_000);
  return floor.toISOString().slice(0, 16);
}

/** String maximum, the order Stash's filter uses. */
export function laterOf(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}
