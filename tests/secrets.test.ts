import { describe, expect, it } from 'vitest';
import { NO_SECRETS, REDACTED, Secrets } from '../src/core/secrets';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.key-part';

describe('Secrets', () => {
  it.each([
    ['followed by a dot', `bad key ${KEY}.`],
    ['followed by a dash', `bad key ${KEY}-suffix`],
    ['inside quotes', `bad key "${KEY}"`],
    ['inside single quotes', `bad key '${KEY}'`],
    ['inside JSON', JSON.stringify({ errors: [{ message: `apikey=${KEY}` }] })],
    ['glued to words', `x${KEY}y`],
  ])('replaces the key %s', (_, text) => {
    const shown = new Secrets([KEY]).redact(text);
    expect(shown).not.toContain(KEY);
    expect(shown).toContain(REDACTED);
  });

  it('replaces the JSON-escaped and the percent-encoded spellings of a key with odd characters', () => {
    const odd = 'ab"c\\d/e+f';
    const secrets = new Secrets([odd]);
    expect(secrets.redact(JSON.stringify({ key: odd }))).toBe(`{"key":"${REDACTED}"}`);
    expect(secrets.redact(`http://x/?k=${encodeURIComponent(odd)}`)).toBe(`http://x/?k=${REDACTED}`);
  });

  it('redacts several secrets, the longer one whole where one contains the other', () => {
    const secrets = new Secrets(['password1', 'password1-longer', null, undefined]);
    expect(secrets.redact('a password1-longer b password1 c')).toBe(`a ${REDACTED} b ${REDACTED} c`);
  });

  it('leaves text alone when there is no secret', () => {
    expect(NO_SECRETS.redact('the key is k')).toBe('the key is k');
  });

  it('replaces a secret too short to search for inside words where it stands alone', () => {
    const secrets = new Secrets(['pw']);
    expect(secrets.redact('password pwd for postgres://u:pw@host, "pw".')).toBe(`password pwd for postgres://u:${REDACTED}@host, "${REDACTED}".`);
    expect(new Secrets(['k']).with('pw').redact('key k; pw')).toBe(`key ${REDACTED}; ${REDACTED}`);
  });

  it('redacts an error in place, message and stack, and adds secrets with `with`', () => {
    const error = new Error(`refused ${KEY} and hunter22`);
    const redacted = new Secrets([KEY]).with('hunter22').redactError(error);
    expect(redacted).toBe(error);
    expect(error.message).toBe(`refused ${REDACTED} and ${REDACTED}`);
    expect(error.stack).not.toContain(KEY);
  });
});
