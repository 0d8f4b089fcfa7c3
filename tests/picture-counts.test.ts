/** How the History page words each run's picture step. */
import { describe, expect, it } from 'vitest';
import type { SyncRunView } from '../src/shared/contract';
import { pictureCountsText, picturesAfterRow } from '../src/renderer/src/lib/picture-counts';

const counts = { downloaded: 1200, alreadyCached: 30, placeholders: 2, failed: 0, removed: 1 };

function run(runId: string, entity: SyncRunView['entity'], pictures: SyncRunView['pictures']): SyncRunView {
  return {
    runId,
    entity,
    mode: 'incremental',
    status: 'succeeded',
    startedAt: '',
    finishedAt: null,
    fetched: 0,
    upserted: 0,
    staleMarked: 0,
    error: null,
    pictures,
  };
}

describe('picture counts in History', () => {
  it('names each count but those that are zero', () => {
    expect(pictureCountsText(counts)).toBe(`${(1200).toLocaleString()} downloaded, 30 already cached, 2 not generated in Stash, 1 removed`);
    expect(pictureCountsText({ downloaded: 0, alreadyCached: 0, placeholders: 0, failed: 3, removed: 0 })).toBe('3 failed');
    expect(pictureCountsText({ downloaded: 0, alreadyCached: 0, placeholders: 0, failed: 0, removed: 0 })).toBe('Nothing to do');
  });

  it('shows a run’s counts after its last row only, and nothing for a run without the step', () => {
    const runs = [run('b', 'markers', counts), run('b', 'scenes', counts), run('a', 'markers', null), run('a', 'scenes', null)];
    expect(picturesAfterRow(runs)).toEqual([null, pictureCountsText(counts), null, null]);
  });
});
