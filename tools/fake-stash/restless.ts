/**
 * A Stash that never holds still while its performers are listed: the sync must leave their
 * deletions for the next one, and say so in the words of DELETIONS_LEFT.
 */
import type { FakeStash } from './server';

export const DELETIONS_LEFT = 'performers: Stash changed while its ids were listed; deletions are left for the next sync';

export interface RestlessPerformers {
  /** The performers created so far, one per listing page read. */
  created: number[];
  /** Stops it. */
  calm(): void;
}

/** Creates a performer whenever a page of the performer listing is read (not the one-row requests that bracket it). */
export function growPerformersWhileListed(fake: FakeStash): RestlessPerformers {
  const created: number[] = [];
  fake.beforeExecute = ({ operationName, variables }) => {
    const perPage = (variables.filter as { per_page?: number } | undefined)?.per_page ?? 0;
    if (operationName === 'PerformerListing' && perPage > 1) created.push(fake.library.createPerformer({ name: `Restless ${created.length}` }).id);
  };
  return {
    created,
    calm: () => {
      fake.beforeExecute = null;
    },
  };
}
