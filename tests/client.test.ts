/** The Stash client's pure parts: URL handling and the validation of Stash's answers. */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { displayUrl, normalizeStashUrl, StashClient } from '../src/core/stash/client';
import {
  MalformedResponseError,
  NotStashError,
  ResponseTooLargeError,
  StashAuthError,
  StashQueryError,
  StashServerError,
} from '../src/core/stash/errors';
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

  it('reads host:port without a scheme as http://', () => {
    expect(normalizeStashUrl('127.0.0.1:9999').toString()).toBe('http://127.0.0.1:9999/graphql');
    expect(normalizeStashUrl('localhost:9999/graphql').toString()).toBe('http://localhost:9999/graphql');
    expect(normalizeStashUrl(' stash.lan:9999 ').toString()).toBe('http://stash.lan:9999/graphql');
  });

  it('refuses control characters anywhere, which the URL parser would silently drop', () => {
    for (const raw of [
      'http://127.0.0.1:9999/graphql\u0000',
      'http://127.0.0.1:99\t99/graphql',
      '\nhttp://h:1/graphql',
      'http://h:1/gra\u007fphql',
      'http://h:1/graph%00ql',
    ]) {
      expect(() => normalizeStashUrl(raw), JSON.stringify(raw)).toThrow(/contains a control character/);
      expect(refusal(raw).split('\n')).toHaveLength(1);
    }
  });

  it('refuses an API key in the address, in any case, pointing to the key field, without repeating it', () => {
    for (const raw of ['http://h:1/graphql?apikey=SECRET', 'h:1/graphql?x=1&ApiKey=SECRET', 'https://h/graphql?APIKEY=SECRET#top']) {
      expect(refusal(raw)).toMatch(/carries an API key \(\?apikey=\): .*API key field \(or --api-key-file\)/);
      expect(refusal(raw)).not.toContain('SECRET');
    }
  });

  it('never repeats a key or password from an address it cannot use', () => {
    for (const raw of [
      'ftp://h/graphql?x=1&ApiKey=SECRET#top',
      'not a url ?apikey=SECRET',
      'ftp://me:SECRET@h/graphql',
      'h:1/x?apikey=SECRET\u0000',
    ]) {
      expect(refusal(raw)).toMatch(/is not (a|an http\(s\)) URL|control character/);
      expect(refusal(raw)).not.toContain('SECRET');
    }
  });
});

/** A scenes page holding one bare scene with the given files. */
function oneScenePage(files: unknown[]): unknown {
  const scene = { id: '7', title: null, details: null, date: null, rating100: null, organized: false, studio: null, updated_at: 't' };
  return { findScenes: { count: 1, scenes: [{ ...scene, performers: [], tags: [], files }] } };
}

/** The message normalizeStashUrl refuses `raw` with. */
function refusal(raw: string): string {
  try {
    normalizeStashUrl(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(NotStashError);
    return (error as Error).message;
  }
  throw new Error(`${raw} was accepted`);
}

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

  it('names the field a later Stash no longer has, which a query of ours asks for', async () => {
    await withServer(
      (_req, res) =>
        res.writeHead(422, { 'Content-Type': 'application/json' }).end(
          JSON.stringify({
            errors: [{ message: 'Cannot query field "organized" on type "Scene".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
            data: null,
          }),
        ),
      async (origin) => {
        const refused = await new StashClient({ url: `${origin}/graphql`, retries: 0 })
          .query('query SceneRows { findScenes { scenes { id organized } } }', {})
          .catch((error: Error) => error);
        expect(refused).toBeInstanceOf(StashQueryError);
        expect((refused as Error).message).toBe('This Stash has no Scene.organized, which Stash Mirror reads (in SceneRows): its schema changed');
      },
    );
  });

  it('never repeats the key when a server quotes it back, whatever surrounds it', async () => {
    // A proxy or a broken server may echo what it was sent: in a GraphQL error, or a 5xx page.
    const key = 'eyJhbGciOiJIUzI1NiJ9.k3y_SECRET';
    const echoes = (sent: string) => [`${sent}.`, `${sent}-x`, `"${sent}"`, `'${sent}'`, JSON.stringify({ apikey: sent }), `key=${sent}&`];
    await withServer(
      (req, res) => {
        const echoed = echoes(String(req.headers.apikey)).join(' ');
        if (req.url!.startsWith('/failing')) {
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`no backend for ${echoed}`);
        } else {
          res
            .writeHead(200, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ errors: [{ message: `unknown key ${echoed}` }], data: null }));
        }
      },
      async (origin) => {
        const rejected = await new StashClient({ url: `${origin}/graphql`, apiKey: key, retries: 0 })
          .query('query Q { version { version } }', {})
          .catch((error: Error) => error);
        expect(rejected).toBeInstanceOf(StashQueryError);
        expect((rejected as Error).message).toMatch(/unknown key \*\*\*\. \*\*\*-x "\*\*\*" '\*\*\*' \{"apikey":"\*\*\*"\} key=\*\*\*&/);
        expect((rejected as StashQueryError).graphqlMessages.join()).not.toContain('SECRET');
        const refused = await new StashClient({ url: `${origin}/graphql`, apiKey: key, retries: 0 }).identify().catch((error: Error) => error);
        expect(refused).toBeInstanceOf(NotStashError);
        expect((refused as Error).message).not.toContain('SECRET');

        const failed = await new StashClient({ url: `${origin}/failing/graphql`, apiKey: key, retries: 0 })
          .query('query Q { version { version } }', {})
          .catch((error: Error) => error);
        expect(failed).toBeInstanceOf(StashServerError);
        expect((failed as Error).message).toMatch(/HTTP 500 after 1 try: no backend for \*\*\*\. \*\*\*-x/);
        expect((failed as Error).message).not.toContain('SECRET');
        expect((failed as Error).stack).not.toContain('SECRET');
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

describe('redirects', () => {
  const KEY = 'redirect-SECRET-key';
  const graphqlAnswer = JSON.stringify({ data: { version: { version: 'v0.30.1' }, systemStatus: { status: 'OK', appSchema: 75 } } });

  for (const status of [301, 302, 303, 307, 308]) {
    it(`never follows a ${status} to another origin with the key, and names where it pointed`, async () => {
      const reached: (string | undefined)[] = [];
      await withServer(
        (req, res) => {
          reached.push(req.headers.apikey as string | undefined);
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(graphqlAnswer);
        },
        async (elsewhere) =>
          withServer(
            (_req, res) => res.writeHead(status, { Location: `${elsewhere}/graphql?apikey=${KEY}` }).end(),
            async (origin) => {
              const error = await new StashClient({ url: origin, apiKey: KEY, retries: 2, backoffMs: 1 }).identify().catch((e: Error) => e);
              expect(error).toBeInstanceOf(NotStashError);
              expect((error as Error).message).toContain(`redirects (HTTP ${status}) to ${elsewhere}/graphql?apikey=***, another server`);
              expect((error as Error).message).not.toContain('SECRET');
            },
          ),
      );
      expect(reached).toEqual([]);
    });
  }

  it('follows a redirect within the same origin, re-sending the query, a bounded number of times', async () => {
    const seen: string[] = [];
    await withServer(
      (req, res) => {
        seen.push(`${req.method} ${req.url} ${req.headers.apikey}`);
        if (req.url === '/graphql') res.writeHead(302, { Location: '/stash/graphql' }).end();
        else if (req.url === '/loop') res.writeHead(307, { Location: '/loop' }).end();
        else res.writeHead(200, { 'Content-Type': 'application/json' }).end(graphqlAnswer);
      },
      async (origin) => {
        expect(await new StashClient({ url: origin, apiKey: KEY }).identify()).toMatchObject({ version: 'v0.30.1', appSchema: 75 });
        expect(seen).toEqual([`POST /graphql ${KEY}`, `POST /stash/graphql ${KEY}`]);
        const looping = await new StashClient({ url: `${origin}/loop`, apiKey: KEY, retries: 0 }).identify().catch((e: Error) => e);
        expect(looping).toBeInstanceOf(NotStashError);
        expect((looping as Error).message).toMatch(/redirected more than 5 times/);
      },
    );
  });
});

describe('response size cap', () => {
  it('stops reading a body past the cap instead of buffering it whole', async () => {
    let sent = 0;
    let closed: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    await withServer(
      (_req, res) => {
        // An endless JSON body, written as fast as the client reads it.
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        };
        res.on('drain', pump);
        res.on('close', () => closed());
        res.write('{"data":');
        pump();
      },
      async (origin) => {
        const client = new StashClient({ url: origin, maxResponseBytes: 1024 * 1024, retries: 2, backoffMs: 1 });
        const error = await client.identify().catch((e: Error) => e);
        expect(error).toBeInstanceOf(ResponseTooLargeError);
        expect((error as Error).message).toMatch(/sent a response larger than 1 MiB: the request was stopped$/);
        expect(client.stats.requests).toBe(1);
        await connectionClosed;
      },
    );
    // Socket buffers aside, nothing much beyond the cap was sent.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a declared length over the cap before reading, and accepts what fits', async () => {
    const answer = JSON.stringify({ data: { version: { version: 'v1' }, systemStatus: { status: 'OK', appSchema: 75 } } });
    await withServer(
      (req, res) => {
        if (req.url === '/big/graphql') res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 10 * 1024 * 1024 }).flushHeaders();
        else res.writeHead(200, { 'Content-Type': 'application/json' }).end(answer);
      },
      async (origin) => {
        const big = await new StashClient({ url: `${origin}/big/graphql`, maxResponseBytes: 4096 }).identify().catch((e: Error) => e);
        expect(big).toBeInstanceOf(ResponseTooLargeError);
        expect((big as Error).message).toMatch(/larger than 4 KiB/);
        expect(await new StashClient({ url: origin, maxResponseBytes: answer.length }).identify()).toMatchObject({ version: 'v1' });
      },
    );
  });
});

describe('servers that are not Stash', () => {
  const page = '<!doctype html><html><body><h1>Not Implemented</h1><script>evil()</script></body></html>';
  for (const [status, type] of [
    [501, 'text/html'],
    [400, 'text/html'],
    [405, 'text/plain'],
    [200, 'text/html'],
    [418, 'application/json'],
  ] as const) {
    it(`HTTP ${status} (${type}) is "not a Stash server" in one line, not retried, no page quoted`, async () => {
      let requests = 0;
      await withServer(
        (_req, res) => {
          requests++;
          res.writeHead(status, { 'Content-Type': type }).end(type === 'application/json' ? '{"message":"<b>teapot</b>"}' : page);
        },
        async (origin) => {
          const error = await new StashClient({ url: `${origin}/graphql`, retries: 3, backoffMs: 1 }).identify().catch((e: Error) => e);
          expect(error).toBeInstanceOf(NotStashError);
          expect((error as Error).message).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/graphql is not a Stash server\\b.*HTTP ${status}`));
          expect((error as Error).message).not.toMatch(/<|Not Implemented|teapot|\n/);
          expect(requests).toBe(1);
        },
      );
    });
  }

  it("a failing proxy's HTML page is retried but not quoted, and the tries are counted right", async () => {
    let requests = 0;
    await withServer(
      (_req, res) => {
        requests++;
        res.writeHead(502, { 'Content-Type': 'text/html' }).end(page);
      },
      async (origin) => {
        const error = await new StashClient({ url: origin, retries: 1, backoffMs: 1 }).identify().catch((e: Error) => e);
        expect(error).toBeInstanceOf(StashServerError);
        expect((error as Error).message).toMatch(/failed with HTTP 502 after 2 tries$/);
        expect(requests).toBe(2);
        const once = await new StashClient({ url: origin, retries: 0 }).identify().catch((e: Error) => e);
        expect((once as Error).message).toMatch(/HTTP 502 after 1 try$/);
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
    const page = readRowPage(
      'scenes',
      {
        findScenes: {
          count: 1,
          scenes: [
            {
              id: '12',
              title: null,
              details: '',
              date: '2021',
              rating100: null,
              organized: false,
              studio: null,
              updated_at: '2025-01-10T14:03:22+01:00',
              performers: [{ id: '3' }],
              tags: [{ id: '4' }, { id: '5' }],
              files: [
                { basename: 'beach\u0000 day.mp4', size: 5_000_000_000, duration: 12.5, updated_at: '2025-01-09T00:00:00+01:00' },
                { basename: 'second.mkv', size: 1, duration: 1, updated_at: '2025-01-11T00:00:00+01:00' },
              ],
            },
          ],
        },
      },
      25,
    );
    expect(page.rows[0]).toEqual({
      id: 12,
      title: null,
      details: '',
      date: '2021',
      filesize: 5_000_000_000,
      duration: 12.5,
      basename: 'beach day.mp4',
      rating100: null,
      organized: false,
      studioId: null,
      performerIds: [3],
      tagIds: [4, 5],
      stashUpdatedAt: '2025-01-10T14:03:22+01:00',
      filesUpdatedAt: '2025-01-11T00:00:00+01:00',
    });
  });

  it('leaves the file columns null for a scene without files', () => {
    const page = readRowPage('scenes', oneScenePage([]), 25);
    expect(page.rows[0]).toMatchObject({ filesize: null, duration: null, basename: null, filesUpdatedAt: null });
  });

  it('refuses a file without its basename', () => {
    const file = { size: 1, duration: 1, updated_at: 't' };
    expect(() => readRowPage('scenes', oneScenePage([file]), 25)).toThrow(/files\.0\.basename/);
  });

  it('stores an empty image path as null', () => {
    const page = readRowPage(
      'performers',
      {
        findPerformers: { count: 1, performers: [{ id: '1', name: 'Ä', gender: null, image_path: '', favorite: false, updated_at: 't', tags: [] }] },
      },
      25,
    );
    expect(page.rows[0]!.imagePath).toBeNull();
  });

  describe('NUL characters, which PostgreSQL text cannot hold', () => {
    const stamp = '2025-01-10T14:03:22+01:00';
    const wirePages: Record<EntityName, unknown> = {
      performers: {
        findPerformers: {
          count: 2,
          performers: [
            {
              id: '1',
              name: 'Ana Ä',
              gender: 'FEMALE',
              image_path: 'http://stash/performer/1/image?t=1',
              favorite: true,
              updated_at: stamp,
              tags: [{ id: '4' }],
            },
            { id: '2', name: 'Bo', gender: null, image_path: '', favorite: false, updated_at: stamp, tags: [] },
          ],
        },
      },
      tags: { findTags: { count: 1, tags: [{ id: '4', name: 'Outdoor', updated_at: stamp, parents: [{ id: '2' }], children: [] }] } },
      studios: {
        findStudios: {
          count: 2,
          studios: [
            { id: '5', name: 'Big Pictures', image_path: 'http://stash/studio/5/image?t=1', updated_at: stamp, parent_studio: null },
            { id: '6', name: 'Small', image_path: '', updated_at: stamp, parent_studio: { id: '5' } },
          ],
        },
      },
      scenes: {
        findScenes: {
          count: 1,
          scenes: [
            {
              id: '12',
              title: 'Beach day',
              details: 'Line one\nline two',
              date: '2021-06',
              rating100: 80,
              organized: true,
              updated_at: stamp,
              studio: { id: '6' },
              performers: [{ id: '1' }],
              tags: [{ id: '4' }],
              files: [{ basename: 'beach.mp4', size: 10, duration: 1.5, updated_at: '2025-01-09T00:00:00+01:00' }],
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
        {
          id: 1,
          name: 'Ana Ä',
          gender: 'FEMALE',
          imagePath: 'http://stash/performer/1/image?t=1',
          favorite: true,
          tagIds: [4],
          stashUpdatedAt: stamp,
        },
        { id: 2, name: 'Bo', gender: null, imagePath: null, favorite: false, tagIds: [], stashUpdatedAt: stamp },
      ],
      tags: [{ id: 4, name: 'Outdoor', stashUpdatedAt: stamp, parentIds: [2], childIds: [] }],
      studios: [
        { id: 5, name: 'Big Pictures', parentId: null, imagePath: 'http://stash/studio/5/image?t=1', stashUpdatedAt: stamp },
        { id: 6, name: 'Small', parentId: 5, imagePath: null, stashUpdatedAt: stamp },
      ],
      scenes: [
        {
          id: 12,
          title: 'Beach day',
          details: 'Line one\nline two',
          date: '2021-06',
          filesize: 10,
          duration: 1.5,
          basename: 'beach.mp4',
          rating100: 80,
          organized: true,
          studioId: 6,
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
      for (const entity of ENTITIES) expect(readRowPage(entity, wirePages[entity], 25).rows, entity).toEqual(rows[entity]);
    });

    it('drops them from every text field of a row and from listed updated_at stamps', () => {
      for (const entity of ENTITIES) {
        const page = withNuls(wirePages[entity]);
        expect(JSON.stringify(page), entity).toContain('\\u0000');
        expect(readRowPage(entity, page, 25).rows, entity).toEqual(rows[entity]);
      }
      const listing = withNuls({ findScenes: { count: 1, scenes: [{ id: '12', updated_at: stamp }] } });
      expect(readVersionPage('scenes', listing, 25).rows).toEqual([{ id: 12, stashUpdatedAt: stamp }]);
    });
  });

  it('accepts only plain decimal ids, saying which value failed', () => {
    const listing = (id: string) => ({ findTags: { count: 1, tags: [{ id, updated_at: 't' }] } });
    expect(readVersionPage('tags', listing('0'), 25).rows[0]!.id).toBe(0);
    expect(readVersionPage('tags', listing('9007199254740991'), 25).rows[0]!.id).toBe(Number.MAX_SAFE_INTEGER);
    for (const id of ['1e2', '0x10', ' 7 ', '-1', '', '007', '1.0', '+3', '9007199254740993', '７']) {
      expect(() => readVersionPage('tags', listing(id), 25), JSON.stringify(id)).toThrow(
        `Stash returned a malformed findTags page: id ${JSON.stringify(id)} is not a plain decimal integer`,
      );
    }
  });

  it('refuses a page with more rows than were asked for', () => {
    const page = { findTags: { count: 3, tags: ['1', '2', '3'].map((id) => ({ id, updated_at: 't' })) } };
    expect(readVersionPage('tags', page, 3).rows).toHaveLength(3);
    expect(() => readVersionPage('tags', page, 2)).toThrow('Stash returned a malformed findTags page: 3 rows where at most 2 were asked for');
  });

  it('rejects a malformed page with the path of the first problem', () => {
    expect(() => readVersionPage('markers', { findSceneMarkers: { count: 1, scene_markers: [{ id: null }] } }, 25)).toThrow(MalformedResponseError);
    expect(() => readRowPage('tags', { findTags: { count: 'x', tags: [] } }, 25)).toThrow(/malformed findTags page: findTags\.count/);
    expect(() => readRowPage('tags', null, 25)).toThrow(MalformedResponseError);
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
