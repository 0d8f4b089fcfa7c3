/**
 * The requests the sync sends Stash for one entity: pages of full rows, pages of (id, updated_at),
 * the one-row signature that brackets a listing, and rows by id. Each checks the signal first, so a
 * cancelled sync sends nothing more.
 */
import type { AnyRow, EntityName, RowVersion } from '../mirror-rows';
import type { StashClient } from '../stash/client';
import {
  MARKER_LISTING,
  MARKER_ROWS,
  PERFORMER_LISTING,
  PERFORMER_ROWS,
  SCENE_LISTING,
  SCENE_ROWS,
  STUDIO_LISTING,
  STUDIO_ROWS,
  TAG_LISTING,
  TAG_ROWS,
} from '../stash/documents';
import { readRowPage, readVersionPage, WIRE_FIELDS, type Page } from '../stash/wire';
import { offsetPages } from './paging';

const DOCUMENTS: Record<EntityName, { rows: string; listing: string }> = {
  performers: { rows: PERFORMER_ROWS, listing: PERFORMER_LISTING },
  tags: { rows: TAG_ROWS, listing: TAG_LISTING },
  studios: { rows: STUDIO_ROWS, listing: STUDIO_LISTING },
  scenes: { rows: SCENE_ROWS, listing: SCENE_LISTING },
  markers: { rows: MARKER_ROWS, listing: MARKER_LISTING },
};

/** The count and the highest id: equal before and after a listing, nothing left the set mid-way. */
export interface ListingSignature {
  count: number;
  maxId: number | null;
}

export class EntityQueries {
  private readonly documents: { rows: string; listing: string };

  constructor(
    readonly entity: EntityName,
    private readonly client: StashClient,
    private readonly signal: AbortSignal | undefined,
    /** Rows per page of full rows, and per batch of ids. */
    readonly pageSize: number,
    /** Rows per page of id listings. */
    readonly listingPageSize: number,
  ) {
    this.documents = DOCUMENTS[entity];
  }

  /** One page of full rows, sorted ascending; `filter` goes in the entity's filter argument. */
  async rowPage(page: number, sort: 'id' | 'updated_at', filter: Record<string, unknown> | null): Promise<Page<AnyRow>> {
    const data = await this.query(this.documents.rows, {
      filter: { page, per_page: this.pageSize, sort, direction: 'ASC' },
      ...(filter ? { [WIRE_FIELDS[this.entity].filterArg]: filter } : {}),
    });
    return readRowPage(this.entity, data, this.pageSize);
  }

  /** Every page of full rows over a filter and sort, the next ones requested ahead. */
  rowPages(sort: 'id' | 'updated_at', filter: Record<string, unknown> | null): AsyncGenerator<Page<AnyRow>> {
    return offsetPages(this.root, this.pageSize, (page) => this.rowPage(page, sort, filter));
  }

  /** (id, updated_at) pages of the listing, sorted by id; `filters` narrows it (the rescanned scenes). */
  listingPages(filters: Record<string, unknown> = {}, perPage = this.listingPageSize): AsyncGenerator<Page<RowVersion>> {
    return offsetPages(this.root, perPage, async (page) =>
      readVersionPage(
        this.entity,
        await this.query(this.documents.listing, {
          filter: { page, per_page: perPage, sort: 'id', direction: 'ASC' },
          ...filters,
        }),
        perPage,
      ),
    );
  }

  async signature(): Promise<ListingSignature> {
    const data = await this.query(this.documents.listing, {
      filter: { page: 1, per_page: 1, sort: 'id', direction: 'DESC' },
    });
    const { count, rows } = readVersionPage(this.entity, data, 1);
    return { count, maxId: rows[0]?.id ?? null };
  }

  async rowsByIds(ids: number[]): Promise<Page<AnyRow>> {
    return readRowPage(this.entity, await this.query(this.documents.rows, { ids: ids.map(String) }), ids.length);
  }

  private get root(): string {
    return WIRE_FIELDS[this.entity].root;
  }

  private async query(document: string, variables: Record<string, unknown>): Promise<unknown> {
    this.signal?.throwIfAborted();
    return this.client.query<unknown>(document, variables, this.signal);
  }
}
