/**
 * The statements the store core runs on either dialect, as drizzle `sql` templates: each dialect
 * renders them with its own placeholders. Only syntax SQLite and PostgreSQL share is used here;
 * times are bound as the dialect stores them (StoredTime).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { EntityName } from '../mirror-rows';
import { ENTITY_TABLES } from './mirror-sql';
import type { PictureCounts, RunOutcome, RunRecord, SyncState } from './store';

/** A timestamp column's value as bound: ms since the epoch on SQLite; a Date or ISO text on PostgreSQL. */
export type StoredTime = number | Date | string;

/** stash_mirror_state's row saying when the full-text index was last brought up to date. */
export const SEARCH_STATE = 'text-search';

/**
 * stash_mirror_state's row marking that a first sync dropped secondary indexes, written in the same
 * transaction as the drops; the next open of the mirror builds back what is missing if that sync died.
 */
export const DEFERRED_INDEXES = 'deferred-indexes';

/** A row of stash_mirror_state: its value, when the row exists. */
export function readMirrorState(name: string): SQL {
  return sql`SELECT value FROM stash_mirror_state WHERE name = ${name}`;
}

export function saveMirrorState(name: string, value: string | null, now: StoredTime): SQL {
  return sql`INSERT INTO stash_mirror_state (name, value, updated_at) VALUES (${name}, ${value}, ${now})
    ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`;
}

export function clearMirrorState(name: string): SQL {
  return sql`DELETE FROM stash_mirror_state WHERE name = ${name}`;
}

export function readState(entity: string): SQL {
  return sql`SELECT watermark, files_watermark FROM stash_sync_state WHERE entity = ${entity}`;
}

/** Sets the watermarks the patch names; the others keep their value. */
export function saveState(entity: string, state: Partial<SyncState>, now: StoredTime): SQL {
  const kept = (column: string) => sql.raw(`${column} = stash_sync_state.${column}`);
  const set = (column: string, given: boolean) => (given ? sql.raw(`${column} = excluded.${column}`) : kept(column));
  return sql`INSERT INTO stash_sync_state (entity, watermark, files_watermark, updated_at)
    VALUES (${entity}, ${state.watermark ?? null}, ${state.filesWatermark ?? null}, ${now})
    ON CONFLICT (entity) DO UPDATE SET ${set('watermark', 'watermark' in state)}, ${set('files_watermark', 'filesWatermark' in state)},
      updated_at = excluded.updated_at`;
}

export const SEARCH_INDEXED_AT = sql`SELECT updated_at FROM stash_mirror_state WHERE name = ${SEARCH_STATE}`;

export function countLive(entity: EntityName): SQL {
  return sql`SELECT count(*) AS n FROM ${sql.raw(ENTITY_TABLES[entity].table)} WHERE NOT is_stale`;
}

export function startRun(run: RunRecord, now: StoredTime): SQL {
  return sql`INSERT INTO stash_sync_runs (run_id, entity, mode, status, started_at)
    VALUES (${run.runId}, ${run.entity}, ${run.mode}, 'running', ${now}) RETURNING id`;
}

export function finishRun(runRowId: number, outcome: RunOutcome, now: StoredTime): SQL {
  const { status, fetched, upserted, staleMarked, error, errorKind } = outcome;
  return sql`UPDATE stash_sync_runs SET status = ${status}, finished_at = ${now}, fetched = ${fetched}, upserted = ${upserted},
    stale_marked = ${staleMarked}, error = ${error}, error_kind = ${errorKind}
    WHERE id = ${runRowId}`;
}

export function recordRunPictures(runId: string, p: PictureCounts): SQL {
  return sql`UPDATE stash_sync_runs SET pictures_downloaded = ${p.downloaded}, pictures_already_cached = ${p.alreadyCached},
    pictures_placeholders = ${p.placeholders}, pictures_failed = ${p.failed}, pictures_removed = ${p.removed}
    WHERE run_id = ${runId}`;
}

export function closeAbandonedRuns(now: StoredTime): SQL {
  return sql`UPDATE stash_sync_runs SET status = 'interrupted', finished_at = ${now} WHERE status = 'running'`;
}

export function listRuns(limit: number): SQL {
  return sql`SELECT id, run_id, entity, mode, status, started_at, finished_at, fetched, upserted, stale_marked, error, error_kind,
      pictures_downloaded, pictures_already_cached, pictures_placeholders, pictures_failed, pictures_removed
    FROM stash_sync_runs ORDER BY id DESC LIMIT ${limit}`;
}

export const SUCCEEDED_ENTITIES = sql`SELECT DISTINCT entity FROM stash_sync_runs WHERE status = 'succeeded' ORDER BY entity`;

/** Count queries both dialects run alike (the PostgreSQL driver reads bigint counts as numbers). */
export const SUGGESTION_CANDIDATES = {
  tags: sql`
    SELECT t.id, t.name, coalesce(u.n, 0) AS uses
    FROM stash_tags t
    LEFT JOIN (
      SELECT tag_id, count(*) AS n FROM (
        SELECT m.primary_tag_id AS tag_id FROM stash_scene_markers m WHERE NOT m.is_stale
        UNION ALL
        SELECT mt.tag_id FROM stash_scene_marker_tags mt
        JOIN stash_scene_markers m ON m.id = mt.marker_id AND NOT m.is_stale
      ) used GROUP BY tag_id
    ) u ON u.tag_id = t.id
    WHERE NOT t.is_stale`,
  performers: sql`
    SELECT p.id, p.name, count(s.id) AS uses
    FROM stash_performers p
    LEFT JOIN stash_scene_performers sp ON sp.performer_id = p.id
    LEFT JOIN stash_scenes s ON s.id = sp.scene_id AND NOT s.is_stale
    WHERE NOT p.is_stale
    GROUP BY p.id, p.name`,
  studios: sql`
    SELECT st.id, st.name, count(s.id) AS uses
    FROM stash_studios st
    LEFT JOIN stash_scenes s ON s.studio_id = st.id AND NOT s.is_stale
    WHERE NOT st.is_stale
    GROUP BY st.id, st.name`,
} as const;

export const GENDERS = sql`
  SELECT DISTINCT gender FROM stash_performers
  WHERE NOT is_stale AND gender IS NOT NULL ORDER BY gender`;

export function liveNames(entity: 'tags' | 'performers'): SQL {
  return sql`SELECT id, name FROM ${sql.raw(ENTITY_TABLES[entity].table)} WHERE NOT is_stale ORDER BY id`;
}

/** A keyset page: the primary key's order, so each page starts where the last ended without an offset. */
const afterKey = (afterId: number | null) => (afterId === null ? sql`` : sql`AND id > ${afterId}`);

export function mediaMarkers(afterId: number | null, limit: number): SQL {
  return sql`SELECT id, scene_id, stash_updated_at FROM stash_scene_markers WHERE NOT is_stale ${afterKey(afterId)} ORDER BY id LIMIT ${limit}`;
}

export function mediaPerformers(afterId: number | null, limit: number): SQL {
  return sql`SELECT id, image_path, stash_updated_at FROM stash_performers WHERE NOT is_stale ${afterKey(afterId)} ORDER BY id LIMIT ${limit}`;
}

/** A statement written with `?` placeholders, as tests and diagnostics give them. */
export function withPlaceholders(text: string, params: readonly unknown[]): SQL {
  if (params.length === 0) return sql.raw(text);
  const parts = text.split('?');
  if (parts.length - 1 !== params.length) throw new Error(`The statement has ${parts.length - 1} placeholders for ${params.length} parameters`);
  return sql.join(parts.map((part, i) => (i < params.length ? sql`${sql.raw(part)}${params[i]}` : sql.raw(part))));
}
