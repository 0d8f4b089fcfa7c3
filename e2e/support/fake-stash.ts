/** A fake Stash server inside the test process, so a test can slow it down or stop it mid-sync. */
import { createClock } from '../../tools/fake-stash/clock';
import { generateLibrary, SAMPLE_SIZE } from '../../tools/fake-stash/generate';
import { startFakeStash, type FakeStash } from '../../tools/fake-stash/server';

export type { FakeStash };
export const STASH_API_KEY = 'e2e-stash-key';

/** The sample library (300 performers, 150 tags, 2,000 scenes, 8,000 markers) behind an API key. */
export function startSampleStash(): Promise<FakeStash> {
  const library = generateLibrary({ seed: 1, size: SAMPLE_SIZE, clock: createClock({ mode: 'real' }) });
  return startFakeStash({ library, apiKey: STASH_API_KEY });
}

/** Every request answers late, so a sync lasts long enough to watch. */
export function slowDown(stash: FakeStash, delayMs: number): void {
  stash.faults.inject('slow', { times: 10_000, delayMs });
}
