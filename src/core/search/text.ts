/**
 * The one text normalization behind marker search, used for indexing and for queries alike, so
 * both databases index and match exactly the same words: Unicode NFKD, combining marks removed,
 * lower case, words are runs of letters and digits.
 */
// ASCII text, most of any library, skips the Unicode steps: NFKD leaves it as it is, it has no
// combining marks, and its letters and digits are exactly [A-Za-z0-9]. Same words, a third of the time.
// eslint-disable-next-line no-control-regex -- the whole ASCII range, NUL included
const NON_ASCII = /[^\x00-\x7f]/;
const ASCII_WORD = /[a-z0-9]+/g;

export function searchWords(text: string | null | undefined): string[] {
  if (!text) return [];
  if (!NON_ASCII.test(text)) return text.toLowerCase().match(ASCII_WORD) ?? [];
  // Lower case before the marks go: marks are case-ignorable, so case mapping is the same either way.
  return wordsSkippingMarks(text.normalize('NFKD').toLowerCase());
}

const enum CharClass {
  Separator,
  WordChar,
  Mark,
}
const WORD_CHAR = /[\p{L}\p{N}]/u;
const MARK = /\p{M}/u;
const nonAsciiClasses = new Map<number, CharClass>();

function classOf(code: number): CharClass {
  if (code < 0x80) {
    return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)
      ? CharClass.WordChar
      : CharClass.Separator;
  }
  let known = nonAsciiClasses.get(code);
  if (known === undefined) {
    const char = String.fromCodePoint(code);
    known = WORD_CHAR.test(char) ? CharClass.WordChar : MARK.test(char) ? CharClass.Mark : CharClass.Separator;
    nonAsciiClasses.set(code, known);
  }
  return known;
}

/**
 * Runs of letters and digits with combining marks dropped (a mark inside a word joins its two
 * halves). One pass over the text: several times faster than a Unicode regex replace and match.
 */
function wordsSkippingMarks(text: string): string[] {
  const words: string[] = [];
  let word = ''; // the current word's characters before its current run
  let from = -1; // start of the current run of word characters, -1 outside one
  for (let i = 0; i < text.length;) {
    const code = text.codePointAt(i)!;
    const kind = classOf(code);
    if (kind === CharClass.WordChar) {
      if (from < 0) from = i;
    } else {
      if (from >= 0) word += text.slice(from, i);
      from = -1;
      if (kind === CharClass.Separator && word) {
        words.push(word);
        word = '';
      }
    }
    i += code > 0xffff ? 2 : 1;
  }
  if (from >= 0) word += text.slice(from);
  if (word) words.push(word);
  return words;
}

/**
 * Words as one indexable string, each word once: the index keeps only which rows hold a word, and
 * long texts repeat many of theirs.
 */
export function searchDocument(...parts: (string | null | undefined)[]): string {
  const words = new Set<string>();
  for (const part of parts) for (const word of searchWords(part)) words.add(word);
  return [...words].join(' ');
}

/**
 * What a title sorts by: its words as the search normalizes them, so order ignores case, accents
 * and punctuation ("apple" before "Zebra", "Éclair" between them) and is the same on either database.
 */
export function titleSortKey(title: string): string {
  return searchWords(title).join(' ');
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
