/** The Stash client's pure parts: URL handling and the validation of Stash's answers. */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { displayUrl, normalizeStashUrl, StashClient } from '../src/core/stash/client';
import { MalformedResponseError, NotStashError, StashAuthError, StashServerError } from '../src/core/stash/errors';
import { ENTITIES, type EntityName, type RowOf } from '../src/core/mirror-rows';
import { readRowPage, readVersionPage } from '../src/core/stash/wire';
import { changeQueryFloor, laterOf } from '../src/core/sync/watermark';

describe('Stash URLs', () => {
  it('completes a bare origin with /graphql and keeps an explicit path', () => {
    expect(normalizeStashUrl('http://localhost:9999').toString()).toBe('http://localhost:9999/graphql');
    expect(normalizeStashUrl('https://stash.example/sub/graphql').pathname).toBe('/sub/graphql');
  });

  it('never shows an API key passed in the URL', () => {
    expect(displayUrl(new URL('http://h:1/graphql?apikey=SECRET'))).not.toContain('SECRET');
    expect(displayUrl(new URL('http://user:pw@h:1/graphql'))).not.toContain('pw');
  });

  it('never repeats a key or password from an address it cannot use', () => {
    for (const raw of ['localhost:9999/graphql?apikey=SECRET', 'ftp://h/graphql?x=1&ApiKey=SECRET#top', 'not a url ?apikey=SECRET', 'ftp://me:SECRET@h/graphql']) {
      const error = (() => {
        try {
          normalizeStashUrl(raw);
        } catch (e) {
          return e as Error;
        }
        throw new Error(`${raw} was accepted`);
      })();
      expect(error.message).toMatch(/is not (a|an http\(s\)) URL/);
      expect(error.message).not.toContain('SECRET');
    }
  });
});

describe('secrets in errors', () => {
  it('refuses an address with a user or password, without repeating them', () => {
    const attempt = () => new StashClient({ url: 'http://me:PASSWORD@127.0.0.1:9999/graphql' });
    expect(attempt).toThrow(NotStashError);
    expect(attempt).toThrow(/user or password: give Stash's API key instead/);
    expect(attempt).not.toThrow(/PASSWORD/);
  });

  it('refuses an API key no HTTP header can carry, without repeating it, and trims a pasted one', () => {
    for (const apiKey of ['my\nSECRETKEY', 'SECRET KEY', 'clé-SECRET', 'SECRET\u0000']) {
      const attempt = () => new StashClient({ url: 'http://127.0.0.1:9999/graphql', apiKey });
      expect(attempt).toThrow(StashAuthError);
      expect(attempt).not.toThrow(/SECRET/);
    }
    expect(() => new StashClient({ url: 'http://127.0.0.1:9999/graphql', apiKey: '  eyJhbGci.SECRET-key_1\n' })).not.toThrow();
  });

  it('never repeats the key when a server quotes it back', async () => {
    // A proxy or a broken server may echo what it was sent: in a GraphQL error, or a 5xx page.
    await withServer(
      (req, res) => {
        const echoed = `${req.headers.apikey ?? ''} ${new URL(req.url!, 'http://x').searchParams.get('apikey') ?? ''}`;
        if (req.url!.startsWith('/failing')) {
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`no backend for ${echoed}`);
        } else {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ message: `unknown key ${echoed}` }], data: null }));
        }
      },
      async (origin) => {
        const refused = new StashClient({ url: `${origin}/graphql?apikey=URLSECRET`, apiKey: 'HEADERSECRET', retries: 0 });
        const identified = await refused.identify().catch((error: Error) => error);
        expect(identified).toBeInstanceOf(NotStashError);
        expect((identified as Error).message).toMatch(/not Stash \(unknown key \*\*\* \*\*\*\)/);

        const failing = new StashClient({ url: `${origin}/failing/graphql?apikey=URLSECRET`, apiKey: 'HEADERSECRET', retries: 0 });
        const failed = await failing.query('query Q { version { version } }', {}).catch((error: Error) => error);
        expect(failed).toBeInstanceOf(StashServerError);
        expect((failed as Error).message).toMatch(/no backend for \*\*\* \*\*\*/);
      },
    );
  });

  it('names the API key when a server forbids the request (HTTP 403), as for 401', async () => {
    await withServer(
      (_req, res) => res.writeHead(403, { 'Content-Type': 'text/plain' }).end('Forbidden'),
      async (origin) => {
        const withKey = await new StashClient({ url: origin, apiKey: 'k', retries: 0 }).identify().catch((error: Error) => error);
        expect(withKey).toBeInstanceOf(StashAuthError);
        expect((withKey as Error).message).toMatch(/refused the API key \(HTTP 403\)/);
        const withoutKey = await new StashClient({ url: origin, retries: 0 }).identify().catch((error: Error) => error);
        expect((withoutKey as Error).message).toMatch(/requires an API key \(HTTP 403\)/);
      },
    );
  });
});

/** A throwaway HTTP server on loopback, for answers the fake Stash never gives. */
async function withServer(handler: RequestListener, work: (origin: string) => Promise<void>): Promise<void> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await work(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.close();
  }
}

describe('reading pages', () => {
  it('turns a scene into a mirror row from its primary file', () => {
    const page = readRowPage('scenes', {
      findScenes: {
        count: 1,
        scenes: [
          {
            id: '12',
            title: null,
            details: '',
            date: '2021',
            updated_at: '2025-01-10T14:03:22+01:00',
            performers: [{ id: '3' }],
            tags: [{ id: '4' }, { id: '5' }],
            files: [
              { size: 5_000_000_000, duration: 12.5, updated_at: '2025-01-09T00:00:00+01:00' },
              { size: 1, duration: 1, updated_at: '2025-01-11T00:00:00+01:00' },
            ],
          },
        ],
      },
    });
    expect(page.rows[0]).toEqual({
      id: 12,
      title: null,
      details: '',
      date: '2021',
      filesize: 5_000_000_000,
      duration: 12.5,
      performerIds: [3],
      tagIds: [4, 5],
      stashUpdatedAt: '2025-01-10T14:03:22+01:00',
      filesUpdatedAt: '2025-01-11T00:00:00+01:00',
    });
  });

  it('stores an empty image path as null', () => {
    const page = readRowPage('performers', {
      findPerformers: { count: 1, performers: [{ id: '1', name: 'Ä', gender: null, image_path: '', updated_at: 't' }] },
    });
    expect(page.rows[0]!.imagePath).toBeNull();
  });

  describe('NUL characters, which PostgreSQL text cannot hold', () => {
    const stamp = '2025-01-10T14:03:22+01:00';
    const wirePages: Record<EntityName, unknown> = {
      performers: {
        findPerformers: {
          count: 2,
          performers: [
            { id: '1', name: 'Ana Ä', gender: 'FEMALE', image_path: 'http://stash/performer/1/image?t=1', updated_at: stamp },
            { id: '2', name: 'Bo', gender: null, image_path: '', updated_at: stamp },
          ],
        },
      },
      tags: { findTags: { count: 1, tags: [{ id: '4', name: 'Outdoor', updated_at: stamp, parents: [{ id: '2' }], children: [] }] } },
      scenes: {
        findScenes: {
          count: 1,
          scenes: [
            {
              id: '12',
              title: 'Beach day',
              details: 'Line one\nline two',
              date: '2021-06',
              updated_at: stamp,
              performers: [{ id: '1' }],
              tags: [{ id: '4' }],
              files: [{ size: 10, duration: 1.5, updated_at: '2025-01-09T00:00:00+01:00' }],
            },
          ],
        },
      },
      markers: {
        findSceneMarkers: {
          count: 1,
          scene_markers: [
            { id: '30', title: 'Intro', seconds: 3, end_seconds: null, updated_at: stamp, scene: { id: '12' }, primary_tag: { id: '4' }, tags: [] },
          ],
        },
      },
    };
    const rows: { [E in EntityName]: RowOf[E][] } = {
      performers: [
        { id: 1, name: 'Ana Ä', gender: 'FEMALE', imagePath: 'http://stash/performer/1/image?t=1', stashUpdatedAt: stamp },
        { id: 2, name: 'Bo', gender: null, imagePath: null, stashUpdatedAt: stamp },
      ],
      tags: [{ id: 4, name: 'Outdoor', stashUpdatedAt: stamp, parentIds: [2], childIds: [] }],
      scenes: [
        {
          id: 12,
          title: 'Beach day',
          details: 'Line one\nline two',
          date: '2021-06',
          filesize: 10,
          duration: 1.5,
          performerIds: [1],
          tagIds: [4],
          stashUpdatedAt: stamp,
          filesUpdatedAt: '2025-01-09T00:00:00+01:00',
        },
      ],
      markers: [{ id: 30, sceneId: 12, title: 'Intro', seconds: 3, endSeconds: null, primaryTagId: 4, tagIds: [], stashUpdatedAt: stamp }],
    };

    /** The page with NULs around and inside every string but ids (an empty one becomes NULs only). */
    function withNuls(value: unknown, key = ''): unknown {
      if (typeof value === 'string') return key === 'id' ? value : `\u0000${value.slice(0, 1)}\u0000${value.slice(1)}\u0000`;
      if (Array.isArray(value)) return value.map((item) => withNuls(item));
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withNuls(v, k)]));
      return value;
    }

    it('maps a page without NUL characters unchanged', () => {
      for (const entity of ENTITIES) expect(readRowPage(entity, wirePages[entity]).rows, entity).toEqual(rows[entity]);
    });

    it('drops them from every text field of a row and from listed updated_at stamps', () => {
      for (const entity of ENTITIES) {
        const page = withNuls(wirePages[entity]);
        expect(JSON.stringify(page), entity).toContain('\\u0000');
        expect(readRowPage(entity, page).rows, entity).toEqual(rows[entity]);
      }
      const listing = withNuls({ findScenes: { count: 1, scenes: [{ id: '12', updated_at: stamp }] } });
      expect(readVersionPage('scenes', listing).rows).toEqual([{ id: 12, stashUpdatedAt: stamp }]);
    });
  });

  it('rejects a malformed page with the path of the first problem', () => {
    expect(() => readVersionPage('markers', { findSceneMarkers: { count: 1, scene_markers: [{ id: null }] } })).toThrow(
      MalformedResponseError,
    );
    expect(() => readRowPage('tags', { findTags: { count: 'x', tags: [] } })).toThrow(/malformed findTags page: findTags\.count/);
    expect(() => readRowPage('tags', null)).toThrow(MalformedResponseError);
  });
});

describe('watermarks', () => {
  it('asks for two hours before the watermark as a minute prefix, ignoring the offset like Stash', () => {
    expect(changeQueryFloor('2025-01-10T14:03:22+01:00')).toBe('2025-01-10T12:03');
    expect(changeQueryFloor('2025-01-01T01:00:00Z')).toBe('2024-12-31T23:00');
    expect(changeQueryFloor('garbage')).toBeNull();
  });

  it('orders watermarks as strings, as Stash compares them', () => {
    expect(laterOf('2025-10-26T02:30:00+02:00', '2025-10-26T02:10:00+01:00')).toBe('2025-10-26T02:30:00+02:00');
    expect(laterOf(null, 'a')).toBe('a');
  });
});
