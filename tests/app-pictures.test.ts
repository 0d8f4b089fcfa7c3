import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { answerAppPicture, withAppScreenshots } from '../src/main/app-pictures';
import type { CachedPictureFile, PictureLookup } from '../src/server/stash-picture';
import type { MarkerSearchResult } from '../src/core/search/query';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

/** A Stash that answers every picture and remembers what it was asked, with which headers. */
async function fakeStash(): Promise<{ url: string; asked: { path: string; headers: IncomingHttpHeaders }[]; server: Server }> {
  const asked: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    asked.push({ path: req.url!, headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end('from-stash');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function cacheOf(entries: Record<string, CachedPictureFile>): PictureLookup {
  return (stashPath) => entries[stashPath] ?? null;
}

const picture = (path: string, init?: RequestInit) => new Request(`app://stash-mirror/stash-image${path}`, init);

describe('app scheme pictures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'app-pictures-'));
  const file = join(dir, 'marker-1.png');
  writeFileSync(file, PNG);
  const cache = cacheOf({
    '/scene/1/scene_marker/1/screenshot': { path: file, contentType: 'image/png', placeholder: false },
    '/scene/1/scene_marker/17/screenshot': { path: '', contentType: '', placeholder: true },
  });

  it('serves a cached picture with Stash away', async () => {
    // Nothing listens on port 9: any request to Stash would fail.
    const settings = async () => ({ stashUrl: 'http://127.0.0.1:9', apiKey: 'secret' });
    const answer = await answerAppPicture(picture('/scene/1/scene_marker/1/screenshot?t=5'), cache, settings);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await answer.arrayBuffer())).toEqual(PNG);
  });

  it('says a picture Stash never generated is not generated', async () => {
    const settings = async () => ({ stashUrl: 'http://127.0.0.1:9', apiKey: 'secret' });
    const answer = await answerAppPicture(picture('/scene/1/scene_marker/17/screenshot'), cache, settings);
    expect(answer.status).toBe(404);
    expect(answer.headers.get('x-stash-picture')).toBe('not-generated');
  });

  it('fetches a picture the cache lacks from Stash with the key, passing only Stash parameters on', async () => {
    const stash = await fakeStash();
    servers.push(stash.server);
    const settings = async () => ({ stashUrl: stash.url, apiKey: 'secret' });
    const answer = await answerAppPicture(picture('/scene/1/scene_marker/2/screenshot?t=5&token=x'), cache, settings);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('from-stash');
    expect(stash.asked).toMatchObject([{ path: '/scene/1/scene_marker/2/screenshot?t=5', headers: { apikey: 'secret' } }]);
    // With the cache turned off, Stash is asked for a cached picture too.
    expect((await answerAppPicture(picture('/scene/1/scene_marker/1/screenshot'), null, settings)).status).toBe(200);
    expect(stash.asked).toHaveLength(2);
  });

  it('refuses what is not a Stash picture, and sends the key nowhere but the saved Stash origin', async () => {
    const stash = await fakeStash();
    servers.push(stash.server);
    const settings = async () => ({ stashUrl: stash.url, apiKey: 'secret' });
    for (const path of [
      '/graphql',
      '/scene/1/stream',
      '/scene/1/../../graphql',
      '//evil.example/scene/1/screenshot',
      '/http://evil.example/scene/1/screenshot',
    ]) {
      expect((await answerAppPicture(picture(path), cache, settings)).status, path).toBe(404);
    }
    expect((await answerAppPicture(picture('/scene/1/screenshot', { method: 'POST', body: 'x' }), cache, settings)).status).toBe(405);
    expect(stash.asked).toEqual([]);

    // Another origin is only ever reached by saving it as the Stash server.
    const other = await fakeStash();
    servers.push(other.server);
    await answerAppPicture(picture('/performer/7/image'), cache, settings);
    expect(other.asked).toEqual([]);
    expect(stash.asked).toHaveLength(1);
  });

  it('points search hits at the app scheme', () => {
    const hit = { urls: { screenshot: 'http://stash.local:9999/scene/3/scene_marker/4/screenshot?t=1', stream: 's', preview: 'p', scene: 'c' } };
    const result = withAppScreenshots({ hits: [hit, { urls: null }] } as unknown as MarkerSearchResult);
    expect(result.hits.map((h) => h.urls?.screenshot ?? null)).toEqual([
      'app://stash-mirror/stash-image/scene/3/scene_marker/4/screenshot?t=1',
      null,
    ]);
  });
});
