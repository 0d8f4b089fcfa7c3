/** Lists of slots as typed arrays: the building blocks of matching and ordering. */

/** 0, 1, …, n - 1. */
export function range(n: number): Int32Array {
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return all;
}

/**
 * `value(0)`, …, `value(n - 1)`: one plain loop, where `Int32Array.from(list, map)` goes through the
 * iterator protocol at several times the cost over a million markers.
 */
export function int32s(n: number, value: (k: number) => number): Int32Array {
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) out[k] = value(k);
  return out;
}

/** As int32s, for numbers that need a double (NaN for none). */
export function float64s(n: number, value: (k: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = value(k);
  return out;
}

export function ascendingDistinct(values: number[]): Int32Array {
  const sorted = Int32Array.from(values).sort();
  let n = 0;
  for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[n++] = sorted[k]!;
  return sorted.subarray(0, n);
}

/** The values in both ascending lists, ascending. */
export function intersection(a: Int32Array, b: Int32Array): Int32Array {
  const both = new Int32Array(Math.min(a.length, b.length));
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      both[n++] = a[i]!;
      i++;
      j++;
    }
  }
  return both.subarray(0, n);
}

/** The members of `list` that pass, written to `out` (which must not be `list`'s own memory). */
export function filter(list: Int32Array, keep: (i: number) => boolean, out: Int32Array): Int32Array {
  let n = 0;
  for (const i of list) if (keep(i)) out[n++] = i;
  return out.subarray(0, n);
}

/** Where `value` is in an ascending list, -1 if absent. */
export function binarySearch(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
