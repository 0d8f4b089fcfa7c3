import type { PictureCounts, SyncRunView } from '../../../shared/contract';
import { formatCount } from './format';

/** A run's picture step in a few words, the counts that are zero left out ("Nothing to do" when all are). */
export function pictureCountsText(counts: PictureCounts): string {
  const parts: [number, string][] = [
    [counts.downloaded, 'downloaded'],
    [counts.alreadyCached, 'already cached'],
    [counts.placeholders, 'not generated in Stash'],
    [counts.failed, 'failed'],
    [counts.removed, 'removed'],
  ];
  const shown = parts.filter(([n]) => n > 0).map(([n, label]) => `${formatCount(n)} ${label}`);
  return shown.length === 0 ? 'Nothing to do' : shown.join(', ');
}

/**
 * The counts each History row shows: a run's picture step on its first row only (runs come newest
 * first, the rows of one run together), so the same counts are not repeated on every entity.
 */
export function picturesPerRow(runs: readonly SyncRunView[]): (string | null)[] {
  return runs.map((run, i) => (run.pictures && runs[i - 1]?.runId !== run.runId ? pictureCountsText(run.pictures) : null));
}
