/**
 * The seeded random order: each marker's place is a hash of its id and the seed, so the same seed
 * gives the same order on either database and across pages, and only the page's range is sorted.
 */
import type { MarkerData } from './marker-data';
import type { ScratchBuffers } from './scratch';

const KEY_SPACE = 2 ** 32;
/** Room for 2^21 positions beside a 32-bit key within a double's 53 exact bits. */
const POSITION_SPACE = 2 ** 21;

/** Markers `start` to `start + count` of `matched` in the seed's order (descending reverses it). */
export function randomPage(
  data: MarkerData,
  scratch: ScratchBuffers,
  matched: Int32Array,
  seed: number,
  descending: boolean,
  start: number,
  count: number,
): Int32Array {
  const { markerIds } = data;
  const mix = seedMix(seed);
  if (data.size >= POSITION_SPACE) {
    const key = (i: number) => randomKey(markerIds[i]!, mix) * (descending ? -1 : 1);
    return matched
      .slice()
      .sort((a, b) => key(a) - key(b) || a - b)
      .subarray(start, start + count);
  }
  // Key and position packed in one number, so ordering is numeric comparison of doubles; and
  // only the page's range is put in order, not the whole result.
  const packed = scratch.packed.subarray(0, matched.length);
  for (let k = 0; k < matched.length; k++) {
    const i = matched[k]!;
    const key = randomKey(markerIds[i]!, mix);
    packed[k] = (descending ? KEY_SPACE - 1 - key : key) * POSITION_SPACE + i;
  }
  const end = Math.min(start + count, packed.length);
  orderRange(packed, start, end);
  return Int32Array.from(packed.subarray(start, end), (p) => p % POSITION_SPACE);
}

/** The seed as 32 bits to mix into each id: the same seed gives the same order. */
export function seedMix(seed: number): number {
  return fmix32((seed >>> 0) ^ fmix32(Math.floor(seed / KEY_SPACE) >>> 0));
}

/**
 * A marker's place in the seed's order: a 32-bit hash of its id mixed with the seed. The hash is a
 * bijection on 32-bit values, so two ids never share a key under one seed.
 */
export function randomKey(id: number, mix: number): number {
  return fmix32((id ^ mix) >>> 0);
}

/** MurmurHash3's finalizer: every input bit affects every output bit. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Puts values[start, end) in ascending order as a full sort would, in linear time on average. */
export function orderRange(values: Float64Array, start: number, end: number): void {
  if (start >= end) return;
  select(values, start, 0, values.length - 1);
  select(values, end - 1, start, values.length - 1);
  values.subarray(start, end).sort();
}

/** Quickselect: values[k] becomes the k-th smallest of values[lo..hi], smaller ones before it. */
function select(values: Float64Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const pivot = median(values[lo]!, values[(lo + hi) >> 1]!, values[hi]!);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function median(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}
