/**
 * sync:stash's bars on a terminal: one per entity while it syncs, then one for the picture step.
 * When the sync ends each entity's bar is set to what the summary prints, full — the last progress
 * event may be short of it (Stash's count moved while we listed, a phase reports its own totals).
 */
import cliProgress from 'cli-progress';
import type { MediaProgress, MediaStepSummary } from '../core/media/media-step';
import type { EntityName } from '../core/mirror-rows';
import type { SyncProgress, SyncSummary } from '../core/sync/engine';

export interface ProgressBars {
  update(progress: SyncProgress): void;
  /** The sync succeeded: every entity's bar full at its fetched count. */
  finish(summary: SyncSummary): void;
  /** The picture step's progress, on a bar of its own below the entities'. */
  pictures(progress: MediaProgress): void;
  /** The picture step ended: its bar full unless it was cancelled (then it stays where it stopped). */
  finishPictures(summary: MediaStepSummary): void;
  /** No more drawing: the bars stay as they are. Called before the summary is printed, and on failure. */
  stop(): void;
}

const SILENT: ProgressBars = { update: () => {}, finish: () => {}, pictures: () => {}, finishPictures: () => {}, stop: () => {} };

type BarName = EntityName | 'pictures';

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
  const bars = new Map<BarName, cliProgress.SingleBar>();
  let stopped = false;
  /** The bar at value of total (a total of 0 drawn as full), labelled with `done/total`. */
  const show = (name: BarName, value: number, total: number, phase: string) => {
    if (stopped) return;
    const payload = { entity: name.padEnd(10), count: `${value}/${total}`, phase };
    const scale = Math.max(total, 1);
    const filled = total === 0 ? scale : value;
    let bar = bars.get(name);
    if (!bar) {
      bar = multibar.create(scale, filled, payload);
      bars.set(name, bar);
    }
    bar.setTotal(scale);
    bar.update(filled, payload);
  };
  return {
    update: (p) => show(p.entity, p.done, p.total, p.phase),
    finish(summary) {
      for (const e of summary.entities) show(e.entity, e.fetched, e.fetched, 'done');
    },
    pictures: (p) => show('pictures', p.done, p.total, 'fetching'),
    finishPictures: (s) => (s.cancelled ? show('pictures', s.done, s.total, 'cancelled') : show('pictures', s.total, s.total, 'done')),
    stop() {
      if (stopped) return;
      stopped = true;
      multibar.stop();
    },
  };
}
