/**
 * What the mirror's own run log (stash_sync_runs) says about past syncs: read from the database,
 * so the status shown after a restart is the same as before it.
 */
import { randomUUID } from 'node:crypto';
import type { EntitySyncState, ErrorKind, SyncRunView } from '../../shared/contract';
import type { MirrorStore, SyncMode, SyncRunRow } from '../db/store';
import { ENTITIES, type EntityName } from '../mirror-rows';
import { NO_SECRETS } from '../secrets';

/** Enough runs to cover every entity's last success in any realistic history. */
const RUNS_READ = 500;

export interface SyncHistory {
  entities: EntitySyncState[];
  /** When the newest run that synced every chosen entity successfully finished. */
  lastSuccessAt: Date | null;
  /** The error of the newest finished run, when it failed. */
  lastError: { reason: string; kind: ErrorKind } | null;
  /**
   * Every chosen entity has synced successfully at least once, in whatever runs: until then the
   * mirror lacks whole entities (a first sync stopped part-way), and an empty search result would
   * say nothing matches when the rows are simply not there yet. Later failures keep it ready.
   */
  mirrorReady: boolean;
}

export const EMPTY_HISTORY: SyncHistory = { entities: [], lastSuccessAt: null, lastError: null, mirrorReady: false };

/** Run errors may quote a server that echoed a secret: they come out redacted. */
export async function readSyncHistory(store: MirrorStore, chosen: readonly EntityName[], secrets = NO_SECRETS): Promise<SyncHistory> {
  const runs = (await store.listRuns(RUNS_READ)).map((run) => (run.error ? { ...run, error: secrets.redact(run.error) } : run));
  // The log may be longer than what was read: an entity's first success may lie beyond it.
  const everSucceeded = new Set(await store.succeededEntities());
  const lastFinished = runs.find((run) => run.status !== 'running');
  return {
    entities: chosen.map((entity) => entityState(runs, entity)),
    lastSuccessAt: lastCompleteSuccess(runs, chosen),
    lastError:
      lastFinished?.status === 'failed' && lastFinished.error !== null
        ? { reason: lastFinished.error, kind: lastFinished.errorKind ?? 'other' }
        : null,
    mirrorReady: chosen.every((entity) => everSucceeded.has(entity)),
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

export function viewRun(run: SyncRunRow, secrets = NO_SECRETS): SyncRunView {
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
    error: run.error === null ? null : secrets.redact(run.error),
    pictures: run.pictures,
  };
}

/** The id of the newest run in the log, to tell afterwards whether a sync wrote any. */
export async function newestRunId(store: MirrorStore): Promise<number | null> {
  return (await store.listRuns(1))[0]?.id ?? null;
}

/**
 * A sync refused before its first entity (a wrong key, an unreachable host, not a Stash) writes no
 * run of its own; it is recorded here as a failed run of each requested entity, so History and
 * the entities' states show it like any other failure. Nothing is added when the sync wrote runs.
 */
export async function recordRefusedSync(
  store: MirrorStore,
  newestBefore: number | null,
  refused: { entities: readonly EntityName[]; mode: SyncMode; error: string; errorKind: ErrorKind },
): Promise<void> {
  if ((await newestRunId(store)) !== newestBefore) return;
  const runId = randomUUID();
  for (const entity of ENTITIES.filter((e) => refused.entities.includes(e))) {
    const row = await store.startRun({ runId, entity, mode: refused.mode });
    await store.finishRun(row, { status: 'failed', fetched: 0, upserted: 0, staleMarked: 0, error: refused.error, errorKind: refused.errorKind });
  }
}
