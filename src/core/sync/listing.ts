/**
 * Step 3 of docs/sync.md: every id with its updated_at, listed sorted by id and compared with the
 * mirror page by page while the next page is fetched; and whether the listing held still, which
 * step 4 needs before it may mark anything stale.
 */
import type { Listing, ListingComparison, MirrorStore } from '../db/store';
import type { EntityName, RowVersion } from '../mirror-rows';
import type { Page } from '../stash/wire';
import type { EntityQueries, ListingSignature } from './entity-queries';
import { inFlight } from './pipelining';

export const LISTING_ATTEMPTS = 3;

export interface VersionListing {
  comparison: ListingComparison;
  /** A faithful snapshot: its absences are deletions. */
  stable: boolean;
  listing: Listing;
  /** Attempts it took (more than one: Stash changed while it was listed). */
  attempts: number;
}

/**
 * Lists (id, updated_at) sorted by id and compares it with the mirror, each page while the next
 * is fetched. Offset paging can skip a row only when rows are deleted mid-listing, and new ids
 * only ever grow; so when the count and the highest id are the same before and after, the
 * listing is a faithful snapshot and may be used to mark rows stale.
 */
export async function listVersions(
  queries: EntityQueries,
  store: MirrorStore,
  onProgress: (done: number, total: number) => void,
): Promise<VersionListing> {
  let listing: Listing = { ids: [], stamps: [] };
  let compared = new PagewiseComparison(store, queries.entity);
  for (let attempt = 1; attempt <= LISTING_ATTEMPTS; attempt++) {
    const before = await queries.signature();
    listing = { ids: [], stamps: [] };
    compared = new PagewiseComparison(store, queries.entity);
    let consistent = true;
    let last: Page<RowVersion> | null = null;
    for await (const result of queries.listingPages({}, pageSizeEndingShort(queries.listingPageSize, before.count))) {
      last = result;
      if (result.count !== before.count) consistent = false;
      const page: Listing = { ids: [], stamps: [] };
      for (const row of result.rows) {
        page.ids.push(row.id);
        page.stamps.push(row.stashUpdatedAt);
        listing.ids.push(row.id);
        listing.stamps.push(row.stashUpdatedAt);
      }
      compared.add(page);
      onProgress(listing.ids.length, Math.max(result.count, listing.ids.length));
    }
    const after = closingSignature(last) ?? (await queries.signature());
    if (consistent && compared.ordered && after.count === before.count && after.maxId === before.maxId && listing.ids.length === before.count) {
      return { comparison: await compared.result(), stable: true, listing, attempts: attempt };
    }
  }
  // Stash never held still: what changed is still fetched, but nothing is marked stale. A listing
  // that shifted under offset paging can repeat rows or lose their order: compare it whole.
  const comparison = compared.ordered ? await compared.result() : await store.compareWithListing(queries.entity, sortedUnique(listing));
  return { comparison, stable: false, listing, attempts: LISTING_ATTEMPTS };
}

/**
 * Pages of `preferred` rows, or one fewer when the count would fill whole pages: then the last
 * page holds rows, and closes the listing without a request of its own.
 */
function pageSizeEndingShort(preferred: number, count: number): number {
  return preferred > 1 && count > 0 && count % preferred === 0 ? preferred - 1 : preferred;
}

/**
 * The signature after the listing, read off its last page when that page holds rows: a page short
 * of full reached the end of the ids when it was answered, so its count and last id are the count
 * and the highest id at that moment, the moment the listing ended. Only an empty last page (no
 * rows, or rows added or removed mid-listing so that they fill whole pages) needs a request of its own.
 */
function closingSignature(last: Page<RowVersion> | null): ListingSignature | null {
  const lastRow = last?.rows.at(-1);
  return last && lastRow ? { count: last.count, maxId: lastRow.id } : null;
}

/**
 * A listing compared with the mirror page by page as it arrives: each page with the mirror's rows
 * from just above the previous page's last id through its own, the rest of the mirror at the end.
 * Only while the ids keep ascending; `ordered` says whether they did.
 */
class PagewiseComparison {
  ordered = true;
  private readonly parts: Promise<ListingComparison>[] = [];
  private last: number | null = null;

  constructor(
    private readonly store: MirrorStore,
    private readonly entity: EntityName,
  ) {}

  add(page: Listing): void {
    if (!this.ordered || page.ids.length === 0) return;
    if (!strictlyIncreasing(page.ids) || (this.last !== null && page.ids[0]! <= this.last)) {
      this.ordered = false;
      return;
    }
    const through = page.ids.at(-1)!;
    this.parts.push(inFlight(this.store.compareWithListing(this.entity, page, { after: this.last, through })));
    this.last = through;
  }

  async result(): Promise<ListingComparison> {
    const rest = this.store.compareWithListing(this.entity, { ids: [], stamps: [] }, { after: this.last, through: null });
    const parts = await Promise.all([...this.parts, rest]);
    return {
      changed: parts.flatMap((p) => p.changed),
      vanished: parts.flatMap((p) => p.vanished),
      live: parts.reduce((n, p) => n + p.live, 0),
    };
  }
}

function strictlyIncreasing(ids: readonly number[]): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i]! <= ids[i - 1]!) return false;
  return true;
}

/** A listing that shifted under offset paging can repeat rows: sort it and keep each id once. */
function sortedUnique(listing: Listing): Listing {
  const order = listing.ids.map((_, i) => i).sort((a, b) => listing.ids[a]! - listing.ids[b]!);
  const result: Listing = { ids: [], stamps: [] };
  for (const i of order) {
    if (result.ids.at(-1) === listing.ids[i]) continue;
    result.ids.push(listing.ids[i]!);
    result.stamps.push(listing.stamps[i]!);
  }
  return result;
}
