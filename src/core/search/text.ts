/**
 * The one text normalization behind marker search, used for indexing and for queries alike, so
 * both databases index and match exactly the same words: Unicode NFKD, combining marks removed,
 * lower case, words are runs of letters and digits.
 */
const COMBINING_MARKS = /\p{M}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

export function searchWords(text: string | null | undefined): string[] {
  if (!text) return [];
  return text.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase().match(WORD) ?? [];
}

/** Words as one indexable string. */
export function searchDocument(...parts: (string | null | undefined)[]): string {
  return parts.flatMap((part) => searchWords(part)).join(' ');
}
