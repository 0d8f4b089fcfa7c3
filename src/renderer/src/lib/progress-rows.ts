import type { EntityProgress } from '../../../shared/contract';
import { formatCount } from './format';
import { PHASE_LABELS } from './labels';

/** What one entity's progress row shows: the bar, the count beside it and the phase in words. */
export interface ProgressRowView {
  /** Undefined while the total is not known yet: an indeterminate bar. */
  value: number | undefined;
  max: number;
  count: string;
  phase: string;
}

/**
 * The row of an entity the running sync has reached. Entities sync one after another in the
 * progress list's order, so every entity before the last one listed has finished; the last has
 * finished once the search index, the run's final step, is built.
 */
export function progressRowView(progress: readonly EntityProgress[], index: number): ProgressRowView {
  const entry = progress[index]!;
  const isLast = index === progress.length - 1;
  const finished = !isLast || (entry.phase === 'indexing' && entry.total > 0 && entry.done >= entry.total);
  if (finished) {
    // A full bar with the last count reached, not the percentage of a phase that is over.
    const total = Math.max(entry.done, entry.total);
    return { value: 1, max: 1, count: `${formatCount(total)} / ${formatCount(total)}`, phase: 'Done' };
  }
  const counted = entry.total > 0;
  return {
    value: counted ? Math.min(entry.done, entry.total) : undefined,
    max: counted ? entry.total : 1,
    count: `${formatCount(entry.done)} / ${counted ? formatCount(entry.total) : '?'}`,
    phase: PHASE_LABELS[entry.phase],
  };
}
