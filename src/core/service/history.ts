/**
 * What the mirror's own run log (stash_sync_runs) says about past syncs: read from the database,
 * so the status shown after a restart is the same as before it.
 */
import type { EntitySyncState, SyncRunView } from '../../shared/contract';
import type { MirrorStore, SyncRunRow } from '../db/store';
import type { EntityName } from '../mirror-rows';

/** Enough runs to cover every entity's last success in any realistic history. */
const RUNS_READ = 500;

export interface SyncHistory {
  entities: EntitySyncState[];
  /** When the newest run that synced every chosen entity successfully finished. */
  lastSuccessAt: Date | null;
  /** The error of the newest finished run, when it failed. */
  lastError: string | null;
  /**
   * Every chosen entity has synced successfully at least once, in whatever runs: until then the
   * mirror lacks whole entities (a first sync stopped part-way), and an empty search result would
   * say nothing matches when the rows are simply not there yet. Later failures keep it ready.
   */
  mirrorReady: boolean;
}

export const EMPTY_HISTORY: SyncHistory = { entities: [], lastSuccessAt: null, lastError: null, mirrorReady: false };

export async function readSyncHistory(store: MirrorStore, chosen: readonly EntityName[]): Promise<SyncHistory> {
  const runs = await store.listRuns(RUNS_READ);
  // The log may be longer than what was read: an entity's first success may lie beyond it.
  const everSucceeded = await store.read<{ entity: EntityName }>(
    `SELECT DISTINCT entity FROM stash_sync_runs WHERE status = 'succeeded'`,
  );
  const lastFinished = runs.find((run) => run.status !== 'running');
  return {
    entities: chosen.map((entity) => entityState(runs, entity)),
    lastSuccessAt: lastCompleteSuccess(runs, chosen),
    lastError: lastFinished?.status === 'failed' ? lastFinished.error : null,
    mirrorReady: chosen.every((entity) => everSucceeded.some((row) => row.entity === entity)),
  };
}

/** `runs` newest first, as listRuns returns them. */
function entityState(runs: readonly SyncRunRow[], entity: EntityName): EntitySyncState {
  const own = runs.filter((run) => run.entity === entity);
  const lastSuccess = own.find((run) => run.status === 'succeeded');
  return {
    entity,
    lastSuccessAt: lastSuccess?.finishedAt?.toISOString() ?? null,
    lastStatus: own[0]?.status ?? null,
    lastError: own[0]?.error ?? null,
  };
}

function lastCompleteSuccess(runs: readonly SyncRunRow[], chosen: readonly EntityName[]): Date | null {
  const byRun = new Map<string, SyncRunRow[]>();
  for (const run of runs) byRun.set(run.runId, [...(byRun.get(run.runId) ?? []), run]);
  // Maps keep insertion order: newest run first.
  for (const rows of byRun.values()) {
    const succeeded = rows.filter((row) => row.status === 'succeeded');
    if (!chosen.every((entity) => succeeded.some((row) => row.entity === entity))) continue;
    return new Date(Math.max(...succeeded.map((row) => (row.finishedAt ?? row.startedAt).getTime())));
  }
  return null;
}

export function viewRun(run: SyncRunRow): SyncRunView {
  return {
    runId: run.runId,
    entity: run.entity,
    mode: run.mode,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    fetched: run.fetched,
    upserted: run.upserted,
    staleMarked: run.staleMarked,
    error: run.error,
  };
}
