/** The desktop app's app://stash-mirror/ origin: which renderer file each URL names, and the page's policy. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, APP_PAGE_URL, isAppPageUrl, resolveAppFile } from '../src/main/app-scheme';
import { searchOfFilters } from '../src/renderer/src/lib/url-state';
import { initialFilters } from '../src/renderer/src/stores/search-filters';
import { contentSecurityPolicy, META_CONTENT_SECURITY_POLICY } from '../src/shared/content-policy';

const RENDERER = join('/opt', 'stash-mirror', 'renderer');

describe('app:// files', () => {
  it('serves the page and its assets from the renderer folder with their content types', () => {
    expect(resolveAppFile(RENDERER, APP_PAGE_URL)).toEqual({ file: join(RENDERER, 'index.html'), contentType: 'text/html; charset=utf-8' });
    expect(resolveAppFile(RENDERER, `${APP_ORIGIN}/`)).toMatchObject({ file: join(RENDERER, 'index.html') });
    expect(resolveAppFile(RENDERER, `${APP_ORIGIN}/assets/index-a1.js?v=2#top`)).toEqual({
      file: join(RENDERER, 'assets', 'index-a1.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppFile(RENDERER, `${APP_ORIGIN}/assets/style.CSS`)).toMatchObject({ contentType: 'text/css; charset=utf-8' });
    expect(resolveAppFile(RENDERER, `${APP_ORIGIN}/assets/my%20font.woff2`)).toEqual({
      file: join(RENDERER, 'assets', 'my font.woff2'),
      contentType: 'font/woff2',
    });
    expect(resolveAppFile(RENDERER, `${APP_ORIGIN}/assets/blob.bin`)).toMatchObject({ contentType: 'application/octet-stream' });
  });

  it('serves the page for an address holding a search, as the search page writes it', () => {
    const filters = {
      ...initialFilters(),
      text: '100% café, "quoted" & more?',
      markerTags: { all: [{ id: 12, name: 'Kissing', withSubtags: true }], any: [], none: [] },
      sceneDateFrom: '2020',
    };
    const url = `${APP_PAGE_URL}${searchOfFilters(filters)}#/search`;
    expect(resolveAppFile(RENDERER, url), url).toEqual({ file: join(RENDERER, 'index.html'), contentType: 'text/html; charset=utf-8' });
  });

  it('refuses anything that climbs out of the folder, however it is written, and other origins', () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2F..%2Fsecret.txt',
      '/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/assets%5c..%5c..%5csecret.txt',
      '/index.html%00.png',
      '/%E0%A4%A',
      '/index.html?x=%',
    ]) {
      expect(resolveAppFile(RENDERER, `${APP_ORIGIN}${path}`), path).toMatchObject({ status: 400 });
    }
    for (const url of ['app://other/index.html', 'app://stash-mirror.evil/index.html', 'file:///etc/passwd', APP_ORIGIN]) {
      expect(resolveAppFile(RENDERER, url), url).toMatchObject({ status: 404 });
    }
  });

  it('counts only its own page as the app', () => {
    expect(isAppPageUrl(APP_PAGE_URL)).toBe(true);
    expect(isAppPageUrl(`${APP_PAGE_URL}#/settings`)).toBe(true);
    for (const url of [
      'app://stash-mirror/assets/x.js',
      'app://other/index.html',
      'file:///opt/stash-mirror/renderer/index.html',
      'https://stash.example/index.html',
    ]) {
      expect(isAppPageUrl(url), url).toBe(false);
    }
  });
});

describe("the renderer's Content-Security-Policy", () => {
  const page = readFileSync(join(import.meta.dirname, '../src/renderer/index.html'), 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(page)?.[1];
  const directives = (policy: string) => new Map(policy.split(/;\s*/).map((d) => [d.split(' ')[0]!, d] as const));

  it('is in index.html exactly as the app builds it', () => {
    expect(meta).toBe(META_CONTENT_SECURITY_POLICY);
  });

  it('in the meta tag matches the header, directive by directive, but for Stash media and frame-ancestors', () => {
    const header = directives(contentSecurityPolicy('http://stash.lan:9999'));
    const inPage = directives(meta!);
    for (const [name, directive] of header) {
      if (name === 'frame-ancestors') expect(inPage.has(name)).toBe(false);
      else if (name === 'img-src' || name === 'media-src')
        expect(inPage.get(name), name).toBe(directive.replace('http://stash.lan:9999', 'http: https:'));
      else expect(inPage.get(name), name).toBe(directive);
    }
    expect([...inPage.keys()].filter((name) => !header.has(name))).toEqual([]);
  });
});
