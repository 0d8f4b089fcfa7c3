/**
 * sync:stash's bars on a terminal: one per entity while it syncs. When the sync ends each bar is
 * set to what the summary prints, full — the last progress event may be short of it (Stash's count
 * moved while we listed, a phase reports its own totals).
 */
import cliProgress from 'cli-progress';
import type { EntityName } from '../core/mirror-rows';
import type { SyncProgress, SyncSummary } from '../core/sync/engine';

export interface ProgressBars {
  update(progress: SyncProgress): void;
  /** The sync succeeded: every entity's bar full at its fetched count. */
  finish(summary: SyncSummary): void;
  /** The sync stopped: the bars stay where they were. */
  stop(): void;
}

const SILENT: ProgressBars = { update: () => {}, finish: () => {}, stop: () => {} };

export function progressBars(enabled: boolean): ProgressBars {
  if (!enabled) return SILENT;
  const multibar = new cliProgress.MultiBar(
    {
      format: ' {entity} |{bar}| {count} {phase}',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<EntityName, cliProgress.SingleBar>();
  /** The bar at value of total (a total of 0 drawn as full), labelled with `count`. */
  const show = (entity: EntityName, value: number, total: number, count: string, phase: string) => {
    const payload = { entity: entity.padEnd(10), count, phase };
    const scale = Math.max(total, 1);
    const filled = total === 0 ? scale : value;
    let bar = bars.get(entity);
    if (!bar) {
      bar = multibar.create(scale, filled, payload);
      bars.set(entity, bar);
    }
    bar.setTotal(scale);
    bar.update(filled, payload);
  };
  return {
    update: (p) => show(p.entity, p.done, p.total, `${p.done}/${p.total}`, p.phase),
    finish(summary) {
      for (const e of summary.entities) show(e.entity, e.fetched, e.fetched, `${e.fetched}/${e.fetched}`, 'done');
      multibar.stop();
    },
    stop: () => multibar.stop(),
  };
}
