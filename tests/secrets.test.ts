import { describe, expect, it } from 'vitest';
import { NO_SECRETS, REDACTED, redactUrl, redactUrlText, Secrets } from '../src/core/secrets';

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

describe('URLs shown before their secrets are known', () => {
  it('masks the password and every query parameter the pattern names, in any case, keeping the rest', () => {
    const shown = redactUrl(new URL('postgres://mirror:s3cret@db:5432/stash?Password=a&password=b&sslmode=require'), /^password$/i);
    expect(shown.toString()).toBe(`postgres://mirror:${REDACTED}@db:5432/stash?Password=${REDACTED}&password=${REDACTED}&sslmode=require`);
  });

  it('leaves a URL without secrets as it was, and never changes the one it is given', () => {
    const url = new URL('http://stash.lan:9999/graphql?apikey=KEY');
    expect(redactUrl(new URL('http://stash.lan:9999/graphql'), /^apikey$/i).toString()).toBe('http://stash.lan:9999/graphql');
    redactUrl(url, /^apikey$/i);
    expect(url.searchParams.get('apikey')).toBe('KEY');
  });

  it('masks user-info and the named parameter in text that does not parse as a URL', () => {
    expect(redactUrlText('not a url ?ApiKey=SECRET&x=1', 'apikey')).toBe(`not a url ?ApiKey=${REDACTED}&x=1`);
    expect(redactUrlText('ftp://me:SECRET@h/graphql', 'apikey')).toBe(`ftp://${REDACTED}@h/graphql`);
  });
});
