import { describe, expect, it } from 'vitest';
import { oneLine } from '../src/core/one-line';

describe('oneLine', () => {
  it('joins lines with one space and trims the ends', () => {
    expect(oneLine('  first line\n   second\r\nthird \n')).toBe('first line second third');
  });

  it('replaces control characters, which could move a terminal cursor or end a log line', () => {
    expect(oneLine('bad\u0000key\u001b[2J\u007fend\u0085')).toBe('bad key [2J end');
    expect(oneLine('tab\there')).toBe('tab here');
  });

  it('cuts a long line to the given length, ending in an ellipsis', () => {
    expect(oneLine('abcdefghij', 5)).toBe('abcd…');
    expect(oneLine('abcde', 5)).toBe('abcde');
    expect(oneLine('one\ntwo three', 8)).toBe('one two…');
  });
});
