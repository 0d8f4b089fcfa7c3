import type { FakeStash } from '../../tools/fake-stash';

export const DELETIONS_LEFT = 'performers: Stash changed while its ids were listed; deletions are left for the next sync';

/**
 * Stash gains a performer whenever a page of the performer listing is read (not the one-row
 * requests that bracket it), so no listing of performers ever holds still and the sync must leave
 * its deletions for the next one (DELETIONS_LEFT). Returns the function that calms it again.
 */
export function growPerformersWhileListed(fake: FakeStash): () => void {
  let grown = 0;
  fake.beforeExecute = ({ operationName, variables }) => {
    const perPage = (variables.filter as { per_page?: number } | undefined)?.per_page ?? 0;
    if (operationName === 'PerformerListing' && perPage > 1) fake.library.createPerformer({ name: `Restless ${grown++}` });
  };
  return () => {
    fake.beforeExecute = null;
  };
}
