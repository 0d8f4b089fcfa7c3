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

const OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

/**
 * A stamp no row written from now on sorts below: the server's clock (its answers' Date header,
 * the clock it stamps rows with) an hour and a minute back, in the offset of `like`, a stamp it
 * wrote. The hour covers a daylight-saving change since `like` was written, the minute the
 * offsets' own order, so the result sorts before what the server writes now. Null without a
 * usable clock or stamp.
 */
export function serverClockStamp(serverDateMs: number | null, like: string | null): string | null {
  const offset = like === null ? null : OFFSET.exec(like)?.[1];
  if (serverDateMs === null || !offset) return null;
  const minutes = offset === 'Z' ? 0 : (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const wall = new Date(Math.floor(serverDateMs / 1000) * 1000 - 61 * 60_000 + minutes * 60_000);
  return wall.toISOString().slice(0, 19) + offset;
}
