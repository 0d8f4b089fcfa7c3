import { describe, expect, it } from 'vitest';
import { httpOrigin, isHttpAddress, isHttpProtocol } from '../src/shared/http-url';
import { isOnOrigin } from '../src/shared/content-policy';

describe('http(s) addresses', () => {
  it('accepts http:// and https:// with a host, in any case, and nothing else', () => {
    for (const ok of ['http://localhost:9999/graphql', 'HTTPS://stash.lan', 'http://10.0.0.2']) expect(isHttpAddress(ok), ok).toBe(true);
    for (const bad of ['ftp://h', 'localhost:9999', 'http://', 'http:///path', 'http:// h', ' http://h']) expect(isHttpAddress(bad), bad).toBe(false);
  });

  it('tells an http(s) URL by its protocol', () => {
    expect(isHttpProtocol(new URL('https://h/x'))).toBe(true);
    expect(isHttpProtocol(new URL('file:///etc/passwd'))).toBe(false);
  });

  it('gives the origin of an http(s) URL, null for anything else', () => {
    expect(httpOrigin('http://stash.lan:9999/graphql?x=1')).toBe('http://stash.lan:9999');
    expect(httpOrigin('javascript:alert(1)')).toBeNull();
    expect(httpOrigin('not a url')).toBeNull();
    expect(httpOrigin(null)).toBeNull();
  });

  it('puts a URL on an origin only when it is an http(s) URL of that very origin', () => {
    expect(isOnOrigin('http://stash.lan:9999/scenes/1', 'http://stash.lan:9999')).toBe(true);
    expect(isOnOrigin('http://stash.lan:9998/scenes/1', 'http://stash.lan:9999')).toBe(false);
    expect(isOnOrigin('http://stash.lan:9999/scenes/1', null)).toBe(false);
  });
});
