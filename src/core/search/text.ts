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

/**
 * Orders strings by Unicode code point — the byte order of their UTF-8, which is how SQLite and
 * PostgreSQL's "C" collation compare text — where JavaScript's `<` compares UTF-16 units and puts
 * characters above U+FFFF before those from U+E000 to U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return codePointRank(x) - codePointRank(y);
    return x - y;
  }
  return a.length - b.length;
}

/** Surrogates (0xD800–0xDFFF) move above the rest of the BMP, where their code points belong. */
function codePointRank(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit;
}
