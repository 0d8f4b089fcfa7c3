import type { FacetCount, NamedRef } from './query';

/**
 * Counts per slot, remembering which slots were counted so only those are read back and cleared:
 * one per facet, reused by every search.
 */
export class Tally {
  readonly counts: Int32Array;
  readonly slots: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.counts = new Int32Array(capacity);
    this.slots = new Int32Array(capacity);
  }

  add(slot: number, n: number): void {
    if (this.counts[slot] === 0) this.slots[this.size++] = slot;
    this.counts[slot]! += n;
  }

  /** Zeroes the counted slots only: what a search that finished does. */
  clear(): void {
    for (let k = 0; k < this.size; k++) this.counts[this.slots[k]!] = 0;
    this.size = 0;
  }

  /** Zeroes every slot: after a search stopped midway, when `size` may not cover what was counted. */
  reset(): void {
    this.counts.fill(0);
    this.size = 0;
  }

  isClear(): boolean {
    return this.size === 0 && allZero(this.counts);
  }

  /** The `limit` largest counts, ties by name order (the slot order), among entries `visible` allows. */
  top<T extends NamedRef>(limit: number, entries: T[], visible: (entry: T) => boolean): FacetCount[] {
    const { counts } = this;
    const before = (a: number, b: number) => counts[b]! - counts[a]! || a - b;
    // A sorted window of the best so far: the slots are many, the limit is small.
    const best: number[] = [];
    for (let k = 0; k < this.size; k++) {
      const slot = this.slots[k]!;
      if ((best.length === limit && before(slot, best[limit - 1]!) > 0) || !visible(entries[slot]!)) continue;
      let at = best.length;
      while (at > 0 && before(slot, best[at - 1]!) < 0) at--;
      best.splice(at, 0, slot);
      if (best.length > limit) best.pop();
    }
    return best.map((slot) => ({ id: entries[slot]!.id, name: entries[slot]!.name, count: counts[slot]! }));
  }
}

export function allZero(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) return false;
  return true;
}
