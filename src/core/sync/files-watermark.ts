/**
 * Step 2 of docs/sync.md, scenes only. A rescan changes a file's size or duration without bumping
 * its scene, so neither the change query nor the listing sees it; only the query on the files'
 * own updated_at does, and only if it saw every scene it should. So the files watermark moves past
 * what this run saw only once the run is known to have seen whole every scene whose files may have
 * changed:
 * - into a mirror with no live scene, at each batch (any scene not reached is missing, and the
 *   listing fetches it);
 * - otherwise once, at the end: after a files query verified complete, or, with no files query to
 *   trust (a full sync, no files watermark yet), after fetching every listed scene.
 */
import type { Listing, MirrorStore, SyncMode } from '../db/store';
import type { AnyRow, SceneRow } from '../mirror-rows';
import type { SyncPhase } from '../../shared/sync-progress';
import type { EntityQueries } from './entity-queries';
import { LISTING_ATTEMPTS } from './listing';
import { changeQueryFloor, laterOf, serverClockStamp } from './watermark';

/** What the files query needs of the scenes' sync: its requests, and its write and by-id paths. */
export interface SceneFetcher {
  readonly queries: EntityQueries;
  apply(rows: readonly AnyRow[]): Promise<void>;
  fetchByIds(ids: number[], phase: SyncPhase): Promise<void>;
}

/**
 * Scenes with a file stamped after the floor. Stash answers a files_filter with every scene that
 * has no file at all, as if each matched, so without `file_count` every sync would fetch and
 * rewrite all of them. A fileless scene has no file to rescan: any change to it bumps the scene,
 * and the change query and the listing find it; a scan that adds its first file bumps it too.
 */
const RESCANNED_SINCE = (floor: string) => ({
  file_count: { value: 0, modifier: 'GREATER_THAN' },
  files_filter: { updated_at: { value: floor, modifier: 'GREATER_THAN' } },
});

export class FilesWatermark {
  /** The latest file stamp this run saw. */
  private seen: string | null = null;
  /** Every scene fetched in this run. */
  private readonly fetchedIds = new Set<number>();
  /** Whether this run saw every scene whose files changed since the stored watermark. */
  private complete: boolean;

  private constructor(
    private readonly stored: string | null,
    private readonly perBatch: boolean,
    /** The files query's floor, when the query is to be trusted; else every listed scene is fetched. */
    private readonly floor: string | null,
  ) {
    this.complete = perBatch;
  }

  /** `changeFloor`: the scenes' change-query floor; without one, every scene is read anyway. */
  static async start(store: MirrorStore, stored: string | null, changeFloor: string | null, mode: SyncMode): Promise<FilesWatermark> {
    const filesFloor = stored && mode === 'incremental' ? changeQueryFloor(stored) : null;
    const perBatch = (await store.countLive('scenes')) === 0;
    return new FilesWatermark(stored, perBatch, !perBatch && changeFloor && filesFloor ? filesFloor : null);
  }

  /** Rows about to be written: what they say of their files. */
  noteFetched(rows: readonly AnyRow[]): void {
    for (const row of rows as readonly SceneRow[]) {
      this.seen = laterOf(this.seen, row.filesUpdatedAt);
      this.fetchedIds.add(row.id);
    }
  }

  /** The watermark a batch commits with: only into a mirror that held no live scene. */
  batchWatermark(): string | null {
    return this.perBatch ? laterOf(this.stored, this.seen) : null;
  }

  /**
   * Scenes whose files changed since the floor. Usually a few: one page of rows, one snapshot.
   * Over several pages, offset paging skips a scene when one leaves the set mid-way, so the set is
   * then listed by id, the scenes not fetched yet are fetched by id, and the set is listed again,
   * until two listings agree. A scene fetched at any time in this run will do: a later rescan of
   * it is stamped after the run began, inside the next run's overlap.
   */
  async fetchRescanned(scenes: SceneFetcher): Promise<void> {
    if (this.floor === null) return;
    this.complete = await this.fetchSince(this.floor, scenes);
  }

  /** After the listing: the listed scenes this run must still fetch, when no files query is trusted. */
  unfetchedOf(listing: Listing, stable: boolean): number[] {
    if (this.perBatch || this.floor !== null) return [];
    this.complete = stable;
    return listing.ids.filter((id) => !this.fetchedIds.has(id));
  }

  /**
   * At the end of the run: saves the watermark if the run saw every rescan; else says why not.
   * `serverDateMs`, the server's clock before the run read any scene, counts as a file stamp seen:
   * a rescan after it is stamped later (as in watermark.ts' serverClockStamp), so a quiet Stash's
   * files overlap empties once its clock moves past it.
   */
  async save(store: MirrorStore, warn: (message: string) => void, serverDateMs: number | null): Promise<void> {
    if (this.perBatch) return;
    if (!this.complete) {
      warn('Stash changed while the sync read it; rescanned files are checked again on the next sync');
      return;
    }
    const latest = laterOf(this.stored, this.seen);
    const filesWatermark = laterOf(latest, serverClockStamp(serverDateMs, latest));
    if (filesWatermark !== this.stored) await store.applyPage('scenes', [], { filesWatermark });
  }

  private async fetchSince(floor: string, scenes: SceneFetcher): Promise<boolean> {
    const sceneFilter = RESCANNED_SINCE(floor);
    const first = await scenes.queries.rowPage(1, 'id', sceneFilter);
    await scenes.apply(first.rows);
    if (first.rows.length < scenes.queries.pageSize) return true;
    let listed = await this.listSceneIds(scenes.queries, sceneFilter);
    for (let attempt = 1; attempt <= LISTING_ATTEMPTS; attempt++) {
      await scenes.fetchByIds(
        listed.ids.filter((id) => !this.fetchedIds.has(id)),
        'changes',
      );
      if (listed.pages === 1) return true;
      const again = await this.listSceneIds(scenes.queries, sceneFilter);
      if (again.ids.length === listed.ids.length && again.ids.every((id, i) => id === listed.ids[i])) return true;
      listed = again;
    }
    return false;
  }

  /** Ids of the scenes a filter finds, ascending and each once, and how many pages that took. */
  private async listSceneIds(queries: EntityQueries, sceneFilter: Record<string, unknown>): Promise<{ ids: number[]; pages: number }> {
    const ids: number[] = [];
    let pageCount = 0;
    for await (const { rows } of queries.listingPages({ scene_filter: sceneFilter })) {
      pageCount++;
      for (const row of rows) ids.push(row.id);
    }
    return { ids: [...new Set(ids)].sort((a, b) => a - b), pages: pageCount };
  }
}
