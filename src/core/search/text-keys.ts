/**
 * How the databases name the rows of the full-text index to the search: a kind (marker, scene, tag,
 * performer) and a Stash id packed in one number, and a word's rows as one comma-separated text.
 */

/** Which kind of row a full-text hit is: the index holds the words of each. */
export const TEXT_KINDS = ['marker', 'scene', 'tag', 'performer'] as const;
export type TextKind = (typeof TEXT_KINDS)[number];

/** Indexed rows by kind, as Stash ids. */
export type TextRows = { [K in TextKind]: number[] };
/** The rows whose words start with one query word. */
export type WordHits = TextRows;

/** One number per indexed row, kind and id together: an FTS5 rowid, and what either database returns. */
export function textKey(kind: TextKind, id: number): number {
  return id * TEXT_KINDS.length + TEXT_KINDS.indexOf(kind);
}

/**
 * The rows of a word's text keys, given as the databases return them: one comma-separated text
 * (null for none), which costs the database connection one value instead of a row per key.
 */
export function wordHitsOf(keys: string | null): WordHits {
  const hits: WordHits = { marker: [], scene: [], tag: [], performer: [] };
  if (!keys) return hits;
  let key = 0;
  for (let i = 0; i <= keys.length; i++) {
    const code = i < keys.length ? keys.charCodeAt(i) : COMMA;
    if (code !== COMMA) {
      key = key * 10 + (code - ZERO);
      continue;
    }
    const kind = key % TEXT_KINDS.length;
    hits[TEXT_KINDS[kind]!].push((key - kind) / TEXT_KINDS.length);
    key = 0;
  }
  return hits;
}

const COMMA = 44;
const ZERO = 48;
