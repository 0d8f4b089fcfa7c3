/**
 * One-to-many links between slots (markers, scenes, tags, performers by their place in the index)
 * as compressed sparse rows: one flat list of members with an offset per owner, so walking an
 * owner's members is a loop over a typed array.
 */
import { ascendingDistinct } from './int-lists';

export interface Relation {
  start: Int32Array;
  members: Int32Array;
}

/** Builds a relation from rows; a row whose owner or member has no slot is left out. */
export function relation<R>(owners: number, rows: R[], owner: (r: R) => number | undefined, member: (r: R) => number | undefined): Relation {
  const start = new Int32Array(owners + 1);
  const pairs: [number, number][] = [];
  for (const row of rows) {
    const o = owner(row);
    const m = member(row);
    if (o === undefined || m === undefined) continue;
    pairs.push([o, m]);
    start[o + 1]!++;
  }
  for (let o = 0; o < owners; o++) start[o + 1]! += start[o]!;
  const members = new Int32Array(pairs.length);
  const next = start.slice(0, owners);
  for (const [o, m] of pairs) members[next[o]!++] = m;
  return { start, members };
}

export function forEachIn(rel: Relation, owner: number, visit: (member: number) => void): void {
  for (let k = rel.start[owner]!; k < rel.start[owner + 1]!; k++) visit(rel.members[k]!);
}

/** 1 when one of the owner's members is set in `mask`. */
export function anyIn(rel: Relation, owner: number, mask: Uint8Array): 0 | 1 {
  for (let k = rel.start[owner]!; k < rel.start[owner + 1]!; k++) if (mask[rel.members[k]!]) return 1;
  return 0;
}

/** The members of these owners, in owner order, repeats kept. */
export function membersOf(rel: Relation, owners: number[]): number[] {
  const found: number[] = [];
  for (const o of owners) forEachIn(rel, o, (m) => found.push(m));
  return found;
}

/** The members of these owners, each once, ascending. */
export function distinctMembers(rel: Relation, owners: number[]): number[] {
  return Array.from(ascendingDistinct(membersOf(rel, owners)));
}
