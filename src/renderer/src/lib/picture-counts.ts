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
 * The picture counts History shows after each row: a run's picture step after its last entity row
 * only (the rows of one run come together), so the counts close the run instead of repeating.
 */
export function picturesAfterRow(runs: readonly SyncRunView[]): (string | null)[] {
  return runs.map((run, i) => (run.pictures && runs[i + 1]?.runId !== run.runId ? pictureCountsText(run.pictures) : null));
}
