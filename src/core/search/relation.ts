/**
 * One-to-many links between slots (markers, scenes, tags, performers by their place in the index)
 * as compressed sparse rows: one flat list of members with an offset per owner, so walking an
 * owner's members is a loop over a typed array.
 */
import { ascendingDistinct, range } from './int-lists';

export interface Relation {
  start: Int32Array;
  members: Int32Array;
}

/**
 * Builds a relation from pairs given as two parallel lists of slots; a pair whose owner or member
 * is -1 (no slot) is left out. Members keep the pairs' order within an owner.
 */
export function relation(owners: number, ownerOf: Int32Array, memberOf: Int32Array): Relation {
  const start = new Int32Array(owners + 1);
  let kept = 0;
  for (let k = 0; k < ownerOf.length; k++) {
    if (ownerOf[k]! < 0 || memberOf[k]! < 0) continue;
    start[ownerOf[k]! + 1]!++;
    kept++;
  }
  for (let o = 0; o < owners; o++) start[o + 1]! += start[o]!;
  const members = new Int32Array(kept);
  const next = start.slice(0, owners);
  for (let k = 0; k < ownerOf.length; k++) {
    if (ownerOf[k]! < 0 || memberOf[k]! < 0) continue;
    members[next[ownerOf[k]!]!++] = memberOf[k]!;
  }
  return { start, members };
}

/**
 * The relations turned around: for each member slot (of `members` in all), the owners that list
 * it, ascending, over every relation given — one owner once per listing.
 */
export function inverse(members: number, ...relations: Relation[]): Relation {
  const start = new Int32Array(members + 1);
  for (const rel of relations) for (const m of rel.members) start[m + 1]!++;
  for (let m = 0; m < members; m++) start[m + 1]! += start[m]!;
  const owners = new Int32Array(start[members]!);
  const next = start.slice(0, members);
  const count = relations[0] ? relations[0].start.length - 1 : 0;
  for (let o = 0; o < count; o++)
    for (const rel of relations) for (let k = rel.start[o]!; k < rel.start[o + 1]!; k++) owners[next[rel.members[k]!]!++] = o;
  return { start, members: owners };
}

/** One member per owner (a marker's scene, its primary tag) as a relation. */
export function single(memberOf: Int32Array): Relation {
  return { start: range(memberOf.length + 1), members: memberOf };
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
