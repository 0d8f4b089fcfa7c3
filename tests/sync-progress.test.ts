/** How the Sync page words each entity's progress row while a sync runs. */
import { describe, expect, it } from 'vitest';
import type { EntityProgress } from '../src/shared/contract';
import { progressRowView } from '../src/renderer/src/lib/progress-rows';

const performersListed: EntityProgress = { entity: 'performers', phase: 'listing', done: 300, total: 300 };
const tagsHalfway: EntityProgress = { entity: 'tags', phase: 'changes', done: 40, total: 150 };

describe('progressRowView', () => {
  it('says Done with a full bar and its final count for an entity the sync has moved past', () => {
    const progress = [{ ...performersListed, phase: 'refetch', done: 2, total: 5 } as EntityProgress, tagsHalfway];
    expect(progressRowView(progress, 0)).toEqual({ value: 1, max: 1, count: '5 / 5', phase: 'Done' });
  });

  it('shows the entity being synced with its phase and count', () => {
    expect(progressRowView([performersListed, tagsHalfway], 1)).toEqual({
      value: 40,
      max: 150,
      count: '40 / 150',
      phase: 'Fetching changes',
    });
  });

  it('leaves the bar indeterminate until the total is known', () => {
    const counting: EntityProgress = { entity: 'scenes', phase: 'changes', done: 0, total: 0 };
    expect(progressRowView([counting], 0)).toMatchObject({ value: undefined, count: '0 / ?' });
  });

  it('says Done for the last entity once the search index is built, not before', () => {
    const indexing: EntityProgress = { entity: 'markers', phase: 'indexing', done: 0, total: 1 };
    expect(progressRowView([performersListed, indexing], 1).phase).toBe('Indexing for search');
    expect(progressRowView([performersListed, { ...indexing, done: 1 }], 1).phase).toBe('Done');
  });
});
