/**
 * How the sync reads pages from Stash: offset pages requested ahead of the one being written, and
 * rows by id in batches, bisected around ids that vanished since they were listed.
 */
import { StashQueryError } from '../stash/errors';
import type { Page } from '../stash/wire';
import { inFlight, letRequestLeave } from './pipelining';

/** Requests kept in flight ahead of the page being processed. */
export const PAGES_AHEAD = 2;

/**
 * Offset pages until a short one. The next pages are requested before the current one is handed
 * over, so the server computes them while this one is parsed and written. `root` names the query
 * in the error raised when Stash keeps returning full pages beyond its own count.
 */
export async function* offsetPages<T>(root: string, perPage: number, request: (page: number) => Promise<Page<T>>): AsyncGenerator<Page<T>> {
  const requested = new Map<number, Promise<Page<T>>>();
  const ensure = (page: number) => {
    if (!requested.has(page)) requested.set(page, inFlight(request(page)));
  };
  ensure(1);
  for (let page = 1; ; page++) {
    const current = await requested.get(page)!;
    requested.delete(page);
    const more = current.rows.length >= perPage;
    if (more) {
      const last = Math.ceil(current.count / perPage);
      if (page > last + 1) throw new StashQueryError(`${root} kept returning full pages beyond its count`, []);
      ensure(page + 1);
      for (let ahead = page + 2; ahead <= Math.min(last, page + PAGES_AHEAD); ahead++) ensure(ahead);
      await letRequestLeave();
    }
    yield current;
    if (!more) return;
  }
}

export interface ByIdFetch<T> {
  batchSize: number;
  request(ids: number[]): Promise<Page<T>>;
  /** A page of the ids asked for, in the order asked. */
  write(ids: number[], page: Page<T>): Promise<void>;
  /** An id Stash no longer has, isolated and skipped. */
  vanished(id: number): void;
}

/**
 * Fetches rows by id, the next batch requested while one is written. One missing id fails Stash's
 * whole `ids` query, so a failing batch is split until the rows that vanished since the listing
 * are isolated and skipped; the next listing marks them stale.
 */
export async function fetchByIds<T>(ids: readonly number[], fetch: ByIdFetch<T>): Promise<void> {
  const isolate = async (batch: number[]): Promise<void> => {
    if (batch.length === 1) {
      fetch.vanished(batch[0]!);
      return;
    }
    const half = Math.ceil(batch.length / 2);
    for (const part of [batch.slice(0, half), batch.slice(half)]) {
      const page = await fetch.request(part).catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      });
      if (page) await fetch.write(part, page);
      else await isolate(part);
    }
  };
  const batches: number[][] = [];
  for (let i = 0; i < ids.length; i += fetch.batchSize) batches.push(ids.slice(i, i + fetch.batchSize));
  let next = batches[0] ? inFlight(fetch.request(batches[0])) : null;
  for (let i = 0; i < batches.length; i++) {
    const batch = batches[i]!;
    let page: Page<T> | null;
    try {
      page = await next!;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      page = null;
    }
    next = batches[i + 1] ? inFlight(fetch.request(batches[i + 1]!)) : null;
    if (next) await letRequestLeave();
    if (page) await fetch.write(batch, page);
    else await isolate(batch);
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof StashQueryError && /not found/i.test(error.message);
}
