/**
 * Working memory reused by every search instead of allocated per keystroke, so searching makes
 * little garbage (a search runs start to end without yielding, so none is shared). Some of it
 * carries a promise from one search to the next: the per-marker marks and counts are all zero and
 * the tallies empty when a search starts. Each step that writes them zeroes what it wrote; when a
 * search stops midway the index resets the lot.
 */
import { allZero, Tally } from './tally';

export interface ScratchSizes {
  markers: number;
  scenes: number;
  tags: number;
  performers: number;
  studios: number;
}

export class ScratchBuffers {
  // Zero between searches.
  /** Per marker: how many of the query's words were found in it so far (a query has at most 500). */
  readonly wordsFound: Uint16Array;
  /** Per marker: the parts of its text the current word was found in, as bits. */
  readonly fields: Uint8Array;
  /** Per marker: 1 while a sorted page is being picked, for the markers that matched. */
  readonly wanted: Uint8Array;
  readonly tallies: { primaryTags: Tally; scenes: Tally; performers: Tally; sceneTags: Tally; studios: Tally };

  // Free: each use writes before it reads.
  /** Two lists a match filters between, so no filter writes into its own input. */
  readonly lists: [Int32Array, Int32Array];
  /** Per marker: relevance so far, meaningful only for the markers the words reached. */
  readonly scores: Float64Array;
  /** The markers the current word reached. */
  readonly touched: Int32Array;
  /** The markers the first word of a query reached. */
  readonly firstWord: Int32Array;
  /** Random keys packed with positions, for a random page. */
  readonly packed: Float64Array;

  constructor(sizes: ScratchSizes) {
    const n = sizes.markers;
    this.wordsFound = new Uint16Array(n);
    this.fields = new Uint8Array(n);
    this.wanted = new Uint8Array(n);
    this.tallies = {
      primaryTags: new Tally(sizes.tags),
      scenes: new Tally(sizes.scenes),
      performers: new Tally(sizes.performers),
      sceneTags: new Tally(sizes.tags),
      studios: new Tally(sizes.studios),
    };
    this.lists = [new Int32Array(n), new Int32Array(n)];
    this.scores = new Float64Array(n);
    this.touched = new Int32Array(n);
    this.firstWord = new Int32Array(n);
    this.packed = new Float64Array(n);
  }

  /** The buffers that break the promise, by name: none after a search that ran to its end. */
  dirtyParts(): string[] {
    const dirty: string[] = [];
    if (!allZero(this.wordsFound)) dirty.push('wordsFound');
    if (!allZero(this.fields)) dirty.push('fields');
    if (!allZero(this.wanted)) dirty.push('wanted');
    for (const [name, tally] of Object.entries(this.tallies)) if (!tally.isClear()) dirty.push(`tallies.${name}`);
    return dirty;
  }

  isClean(): boolean {
    return this.dirtyParts().length === 0;
  }

  /** Zeroes everything that must be zero: whole arrays, for a search that stopped before zeroing its own. */
  reset(): void {
    this.wordsFound.fill(0);
    this.fields.fill(0);
    this.wanted.fill(0);
    for (const tally of Object.values(this.tallies)) tally.reset();
  }
}
