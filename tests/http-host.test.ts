/**
 * The headless host in this process on a free port, with a temporary data directory, a fake Stash
 * over HTTP and the real service and SQLite mirror behind it.
 */
import type { MarkerSearchResult } from '../src/core/search/query';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../src/core/log';
import { HTTP_ROUTES, type SyncStatus } from '../src/shared/contract';
import { startHttpHost, type HttpHost, type HttpHostOptions } from '../src/server/http-host';
import { parseServeCommand } from '../src/server/main';
import { generateLibrary, startFakeStash, type FakeStash } from '../tools/fake-stash';
import { SMALL_LIBRARY } from './support/harness';

const API_KEY = 'stash-api-key-never-shown-7f3a';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

interface Started {
  host: HttpHost;
  fake: FakeStash;
  dataDir: string;
  log: string[];
  /** Every response body read through `api`, to check no secret ever leaves. */
  bodies: string[];
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<{ status: number; body: any; headers: Headers }>;
  rpc(method: string, argument?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

async function start(options: Partial<HttpHostOptions> & { rendererFiles?: boolean } = {}): Promise<Started> {
  const fake = await startFakeStash({ library: generateLibrary({ seed: 5, size: SMALL_LIBRARY }), apiKey: API_KEY });
  cleanups.push(() => fake.close());
  const root = mkdtempSync(join(tmpdir(), 'stash-mirror-host-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const rendererDir = join(root, 'renderer');
  if (options.rendererFiles !== false) {
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Stash Mirror</title><script src="/assets/app.js"></script>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app")');
  }
  const dataDir = join(root, 'data');
  const log: string[] = [];
  const host = await startHttpHost({
    dataDir,
    port: 0,
    stashUrl: fake.url,
    apiKey: API_KEY,
    rendererDir,
    log: (line) => log.push(line),
    ...options,
  });
  cleanups.push(() => host.close());
  const bodies: string[] = [];
  const base = host.url.replace('0.0.0.0', '127.0.0.1');
  const api: Started['api'] = async (path, init = {}) => {
    const { json, ...rest } = init;
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      ...rest,
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
    const text = await response.text();
    bodies.push(text);
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
  return {
    host: { ...host, url: base },
    fake,
    dataDir,
    log,
    bodies,
    api,
    rpc: (method, argument, headers) => api(`/api/rpc/${method}`, { json: argument, headers }),
  };
}

/** Reads server-sent events from a stream until `until` says stop. */
async function readEvents(
  url: string,
  until: (events: { event: string; data: any }[]) => boolean,
  headers: Record<string, string> = {},
): Promise<{ event: string; data: any }[]> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: any }[] = [];
  let buffer = '';
  try {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  } finally {
    controller.abort();
  }
  return events;
}

/** A GET of one of the host's pictures, with its error when it has none. */
async function picture(
  s: Started,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string | null; bytes: Buffer; error?: string; headers: Headers }> {
  const response = await fetch(`${s.host.url}${path}`, { headers });
  const bytes = Buffer.from(await response.arrayBuffer());
  const type = response.headers.get('content-type');
  s.bodies.push(bytes.toString('latin1'));
  const error = type?.startsWith('application/json') ? (JSON.parse(bytes.toString('utf8')) as { error: string }).error : undefined;
  return { status: response.status, type, bytes, error, headers: response.headers };
}

/** A request target sent byte for byte (fetch and URL would normalize `..` and escapes away). */
function rawTarget(
  base: string,
  target: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: target, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('close', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      // An event stream that opened never ends by itself.
      if (res.headers['content-type']?.startsWith('text/event-stream')) res.destroy();
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw request, for headers fetch will not let a caller set (Host). */
function rawRequest(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('headless host', () => {
  it('answers contract methods over POST /api/rpc', async () => {
    const s = await start();
    expect(s.log.at(-1)).toBe(`Stash Mirror is serving ${s.host.url}`);
    const settings = await s.rpc('getSettings');
    expect(settings).toMatchObject({
      status: 200,
      body: expect.objectContaining({ stashUrl: s.fake.url, hasApiKey: true, backend: { kind: 'sqlite', file: join(s.dataDir, 'stash-mirror.db') } }),
    });
    expect((await s.rpc('getAppInfo', null)).body).toMatchObject({ host: 'web', databaseLocation: join(s.dataDir, 'stash-mirror.db') });
    expect((await s.rpc('testConnection')).body).toEqual({ ok: true, version: expect.any(String) });
    expect((await s.rpc('searchMarkers', {})).body).toMatchObject({ total: 0, hits: [] });
    const updated = await s.rpc('updateSettings', { periodicSync: { enabled: true, intervalMinutes: 15 } });
    expect(updated.body.periodicSync).toEqual({ enabled: true, intervalMinutes: 15 });
    expect((await s.rpc('getSyncStatus')).body.nextScheduledAt).toEqual(expect.any(String));
    expect((await s.rpc('cancelSync')).body).toEqual({ cancelled: false });
  });

  it('refuses invalid input with 400 naming the field, unknown methods with 404', async () => {
    const s = await start();
    const tooMany = await s.rpc('searchMarkers', { perPage: 100_000 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatch(/perPage/);
    const unknownField = await s.rpc('updateSettings', { stashUrl: 'http://x:1', colour: 'red' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error).toMatch(/colour/);
    const badUrl = await s.rpc('updateSettings', { stashUrl: 'ftp://nope' });
    expect(badUrl).toMatchObject({ status: 400, body: { error: expect.stringMatching(/stashUrl/) } });
    expect((await s.rpc('getSettings', { unexpected: true })).status).toBe(400);
    const notJson = await s.api('/api/rpc/suggest', { body: '{kind:' });
    expect(notJson).toMatchObject({ status: 400, body: { error: expect.stringMatching(/JSON/) } });

    expect(await s.rpc('dropEverything')).toMatchObject({ status: 404, body: { error: 'Unknown method dropEverything' } });
    const external = await s.rpc('openExternal', { url: 'http://example.com' });
    expect(external.status).toBe(404);
    expect(external.body.error).toMatch(/browser opens links itself/);
    expect((await s.api('/api/nothing-here')).status).toBe(404);
    expect((await s.api('/api/rpc/getSettings', { method: 'GET' })).status).toBe(405);
  });

  it('streams syncStatus and syncFinished events during a sync', async () => {
    const s = await start();
    s.fake.faults.inject('slow', { times: 2, delayMs: 300, operationName: 'SceneRows' });
    let opened!: () => void;
    const firstEvent = new Promise<void>((resolve) => (opened = resolve));
    const events = readEvents(`${s.host.url}${HTTP_ROUTES.events}`, (list) => {
      if (list.length > 0) opened();
      return list.some((e) => e.event === 'syncFinished');
    });
    // The stream opens with the current status: the sync starts once it has arrived.
    await firstEvent;
    const sync = await s.api(HTTP_ROUTES.syncStash, { json: {} });
    expect(sync.status).toBe(200);
    const received = await events;
    const statuses = received.filter((e) => e.event === 'syncStatus').map((e) => e.data as SyncStatus);
    expect(statuses[0]!.state).toBe('idle');
    const running = statuses.filter((status) => status.state === 'running');
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((status) => status.trigger === 'api')).toBe(true);
    expect(running.some((status) => status.progress.length > 0)).toBe(true);
    expect(statuses.at(-1)).toMatchObject({ state: 'idle', mirrorReady: true });
    const finished = received.filter((e) => e.event === 'syncFinished');
    expect(finished).toHaveLength(1);
    expect(finished[0]!.data).toMatchObject({ ok: true, summary: { runId: sync.body.runId } });
  });

  it('POST /api/sync/stash returns the per-entity summary, 409 while running, 400 on a bad body', async () => {
    const s = await start();
    const partial = await s.api(HTTP_ROUTES.syncStash, { json: { entities: ['tags', 'performers'] } });
    expect(partial.status).toBe(200);
    expect(partial.body.entities.map((e: { entity: string }) => e.entity)).toEqual(['performers', 'tags']);
    expect(partial.body.entities[1]).toMatchObject({ entity: 'tags', fetched: 40, upserted: 40, staleMarked: 0 });

    expect((await s.api(HTTP_ROUTES.syncStash, { json: { entities: ['galleries'] } })).status).toBe(400);

    s.fake.faults.inject('slow', { times: 1, delayMs: 3000, operationName: 'SceneRows' });
    const whole = s.api(HTTP_ROUTES.syncStash);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const busy = await s.api(HTTP_ROUTES.syncStash);
    expect(busy).toMatchObject({ status: 409, body: { kind: 'alreadyRunning' } });
    const done = await whole;
    expect(done.status).toBe(200);
    expect(done.body.entities.map((e: { entity: string; listed: number }) => [e.entity, e.listed > 0])).toEqual([
      ['performers', true],
      ['tags', true],
      ['studios', true],
      ['scenes', true],
      ['markers', true],
    ]);
    expect((await s.rpc('searchMarkers', { perPage: 1 })).body.total).toBe(600);
  });

  it('reports a Stash failure as 502 with a one-line reason, and never sends or stores the API key', async () => {
    const s = await start();
    await s.rpc('updateSettings', { apiKey: 'replaced-secret-key-99' });
    const failed = await s.api(HTTP_ROUTES.syncStash);
    expect(failed.status).toBe(502);
    expect(failed.body.error).toMatch(/API key/);
    await s.rpc('updateSettings', { apiKey: API_KEY });
    expect((await s.api(HTTP_ROUTES.syncStash)).status).toBe(200);
    await s.rpc('getSyncStatus');
    await s.rpc('listSyncRuns', { limit: 50 });
    const everything = s.bodies.join('\n');
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain('replaced-secret-key-99');
    const stored = readFileSync(join(s.dataDir, 'settings.json'), 'utf8');
    expect(JSON.parse(stored).stashUrl).toBe(s.fake.url);
    expect(stored).not.toContain(API_KEY);
    expect(stored).not.toContain('replaced-secret-key-99');
    expect(stored).not.toMatch(/apiKey/i);
  });

  it('sends a strict Content-Security-Policy that needs no Stash origin, and serves the interface', async () => {
    const s = await start();
    const page = await fetch(`${s.host.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Stash Mirror</title>');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    // Stash's pictures come through the host, so a page loaded before the Stash URL changes keeps working.
    expect(csp).toContain("img-src 'self' data:;");
    expect(csp).not.toContain(s.fake.origin);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    // The single-page app answers its own routes with index.html.
    expect(await (await fetch(`${s.host.url}/search/deep/link`)).text()).toContain('<title>Stash Mirror</title>');
    expect(await (await fetch(`${s.host.url}/assets/app.js`)).text()).toBe('console.log("app")');
    const apiResponse = await fetch(`${s.host.url}/api/rpc/getSettings`, { method: 'POST' });
    expect(apiResponse.headers.get('content-security-policy')).toBe(csp);
    await s.rpc('updateSettings', { stashUrl: 'http://stash.example:9999' });
    expect((await fetch(`${s.host.url}/`)).headers.get('content-security-policy')).toBe(csp);
  });

  it('keeps the API working without a built interface, and says how to build it', async () => {
    const s = await start({ rendererFiles: false });
    expect(s.log.some((line) => /npm run build/.test(line))).toBe(true);
    const page = await fetch(`${s.host.url}/`);
    expect(page.status).toBe(404);
    expect(await page.text()).toMatch(/npm run build/);
    expect((await s.rpc('getSettings')).status).toBe(200);
  });

  it('logs an error it answers with 500, by its path alone and without secrets; a refused request is no error', async () => {
    const records: LogRecord[] = [];
    const s = await start({ logger: createLogger((record) => records.push(record)) });
    // No PostgreSQL listens on port 1: the service's own error, answered 500.
    const backend = { kind: 'postgres', url: 'postgres://mirror:pw-never-logged-91@127.0.0.1:1/mirror' };
    const failed = await s.api('/api/rpc/updateSettings?note=query-not-logged', { json: { backend } });
    expect(failed.status).toBe(500);
    expect((await s.rpc('getSettings', { unexpected: true })).status).toBe(400);
    const errors = records.filter((record) => record.level === 'error');
    expect(errors).toEqual([expect.objectContaining({ module: 'http', message: `POST /api/rpc/updateSettings answered 500: ${failed.body.error}` })]);
    const written = JSON.stringify(records);
    for (const secret of ['pw-never-logged-91', API_KEY, 'query-not-logged']) expect(written).not.toContain(secret);
  });

  it('refuses other sites: unknown Host headers and foreign origins', async () => {
    const s = await start();
    const rebound = await rawRequest(`${s.host.url}/api/rpc/getSettings`, { Host: 'attacker.example:4174' });
    expect(rebound.status).toBe(403);
    const foreign = await s.rpc('updateSettings', { stashUrl: 'http://attacker.example' }, { Origin: 'http://attacker.example' });
    expect(foreign.status).toBe(403);
    expect((await s.rpc('getSettings')).body.stashUrl).toBe(s.fake.url);
    const local = await rawRequest(`${s.host.url}/api/rpc/getSettings`, { Host: new URL(s.host.url).host.replace('127.0.0.1', 'localhost') });
    expect(local.status).toBe(200);
  });
});

describe('headless host: hostile addresses and other sites', () => {
  it('answers a malformed percent-escape in the path or the query with 400, never 500', async () => {
    const s = await start();
    for (const [method, target] of [
      ['POST', '/api/rpc/%E0%A4%A'],
      ['POST', '/api/rpc/getSettings?x=%E0%A4%A'],
      ['GET', '/assets/%'],
      ['GET', '/%'],
      ['GET', '/assets/app.js?v=%zz'],
      ['GET', '/api/stash-image/scene/1/screenshot?t=%'],
      ['GET', '/api/events?token=%'],
    ] as const) {
      const answer = await rawTarget(s.host.url, target, { method });
      expect(answer.status, target).toBe(400);
      expect(JSON.parse(answer.body).error, target).toBe('The address has a malformed percent-escape');
    }
    expect((await s.rpc('getSettings')).status).toBe(200);
  });

  it('refuses paths that climb out of their folder, however they are written', async () => {
    const s = await start();
    // A file beside the interface folder, which a traversal would reach.
    writeFileSync(join(s.dataDir, '..', 'beside.txt'), 'beside the renderer folder');
    for (const target of [
      '/../beside.txt',
      '/assets/../../beside.txt',
      '/..%2fbeside.txt',
      '/assets/..%2F..%2Fbeside.txt',
      '/%2e%2e/beside.txt',
      '/..%5cbeside.txt',
      '/assets%5c..%5c..%5cbeside.txt',
      '/assets/app.js%00.png',
      '/api/stash-image/scene/1/screenshot/..%2F..%2F..%2Fgraphql',
      '/api/stash-image/scene/1/../../graphql',
      '/api/stash-image/scene/1/screenshot%5c..%5cgraphql',
    ]) {
      const answer = await rawTarget(s.host.url, target);
      expect(answer.status, target).toBe(400);
      expect(answer.body, target).not.toMatch(/beside the renderer folder|Stash Mirror/);
    }
    expect((await rawTarget(s.host.url, '/assets/app.js')).body).toBe('console.log("app")');
  });

  it('marks every answer same-origin only, and refuses other sites on pictures, events and the API', async () => {
    const s = await start();
    for (const [method, target] of [
      ['GET', '/'],
      ['POST', '/api/rpc/getSettings'],
      ['GET', '/api/events'],
      ['GET', '/api/stash-image/scene/1/screenshot'],
    ] as const) {
      const own = await rawTarget(s.host.url, target, { method, headers: { 'Sec-Fetch-Site': 'same-origin' } });
      expect(own.headers['cross-origin-resource-policy'], target).toBe('same-origin');
      expect(own.status, target).not.toBe(403);
      if (target === '/') continue;
      for (const site of ['cross-site', 'same-site']) {
        const foreign = await rawTarget(s.host.url, target, { method, headers: { 'Sec-Fetch-Site': site } });
        expect(foreign.status, `${target} ${site}`).toBe(403);
        expect(foreign.headers['cross-origin-resource-policy']).toBe('same-origin');
      }
    }
    // A link from another site to the interface itself still opens it.
    expect((await rawTarget(s.host.url, '/', { headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(200);
    expect((await rawTarget(s.host.url, '/api/events', { headers: { 'Sec-Fetch-Site': 'none' } })).status).toBe(200);
  });
});

describe("headless host: Stash's pictures", () => {
  it('answers pictures from the cache first: with Stash stopped a cached screenshot still shows, an ungenerated one says so', async () => {
    const s = await start();
    expect((await s.api(HTTP_ROUTES.syncStash)).status).toBe(200);
    const { hits } = (await s.rpc('searchMarkers', { perPage: 100 })).body as MarkerSearchResult;
    const generated = hits.find((hit) => s.fake.media.isGenerated(hit.id))!;
    const ungenerated = hits.find((hit) => !s.fake.media.isGenerated(hit.id))!;
    const fromStash = await picture(s, generated.urls!.screenshot);
    await s.fake.close();

    const cached = await picture(s, generated.urls!.screenshot);
    expect(cached).toMatchObject({ status: 200, type: 'image/png' });
    expect(cached.bytes).toEqual(fromStash.bytes);
    const missing = await picture(s, ungenerated.urls!.screenshot);
    expect(missing).toMatchObject({ status: 404, error: 'No screenshot generated in Stash' });
    expect(missing.headers.get('x-stash-picture')).toBe('not-generated');
    // Not cached: Stash is asked, and it is down.
    expect((await picture(s, `/api/stash-image/scene/${generated.scene.id}/screenshot`)).status).toBe(502);

    // Turned off: every picture is asked of Stash again.
    await s.rpc('updateSettings', { media: { enabled: false, budgetGb: 4, includePreviews: false } });
    expect((await picture(s, generated.urls!.screenshot)).status).toBe(502);
  });

  it('serves screenshots fetched with the API key it holds, and search results point at them', async () => {
    const s = await start();
    expect((await s.api(HTTP_ROUTES.syncStash)).status).toBe(200);
    const { hits } = (await s.rpc('searchMarkers', { perPage: 2 })).body;
    const hit = hits[0];
    const screenshotPath = `/api/stash-image/scene/${hit.scene.id}/scene_marker/${hit.id}/screenshot`;
    expect(hit.urls.screenshot).toMatch(new RegExp(`^${screenshotPath}\\?connection=[\\w-]+$`));
    expect(hit.urls.scene).toMatch(new RegExp(`^${s.fake.origin}/scenes/${hit.scene.id}\\?t=\\d+$`));

    const served = await picture(s, hit.urls.screenshot);
    expect(served).toMatchObject({ status: 200, type: 'image/png' });
    // The fake Stash answers 401 without the key: these bytes came with it.
    const direct = await fetch(`${s.fake.origin}/scene/${hit.scene.id}/scene_marker/${hit.id}/screenshot`, { headers: { ApiKey: API_KEY } });
    expect(served.bytes).toEqual(Buffer.from(await direct.arrayBuffer()));
    expect(served.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(served.headers.get('cache-control')).toBeNull();
    expect((await picture(s, `/api/stash-image/scene/${hit.scene.id}/screenshot`)).status).toBe(200);
    expect(s.bodies.join('\n')).not.toContain(API_KEY);

    // Saved settings may name another server or key: the browser must not reuse what it holds.
    await s.rpc('updateSettings', { apiKey: API_KEY });
    const after = (await s.rpc('searchMarkers', { perPage: 2 })).body.hits[0];
    expect(after.urls.screenshot).toMatch(new RegExp(`^${screenshotPath}\\?connection=[\\w-]+$`));
    expect(after.urls.screenshot).not.toBe(hit.urls.screenshot);
  });

  it("refuses everything but Stash's image routes on the configured server", async () => {
    const s = await start();
    for (const path of [
      '/api/stash-image/graphql',
      '/api/stash-image/',
      '/api/stash-image/scene/1/stream',
      '/api/stash-image/scene/1/scene_marker/1/preview',
      '/api/stash-image/scene/x/screenshot',
      '/api/stash-image//evil.example/scene/1/screenshot',
      '/api/stash-image/http://evil.example/scene/1/screenshot',
      '/api/stash-image/@evil.example/scene/1/screenshot',
    ]) {
      const refused = await picture(s, path);
      expect(refused.status, path).toBe(404);
      expect(refused.error, path).toMatch(/not one of Stash's image routes/);
    }
    const post = await s.api('/api/stash-image/scene/1/screenshot');
    expect(post.status).toBe(405);
    const foreign = await picture(s, '/api/stash-image/scene/1/screenshot', { Origin: 'http://attacker.example' });
    expect(foreign.status).toBe(403);
  });

  it('sends the old API key nowhere once the Stash address moves to another server', async () => {
    const keys: string[] = [];
    const other = createServer((req, res) => {
      keys.push(String(req.headers.apikey ?? ''));
      req.resume();
      res.writeHead(200, { 'Content-Type': 'image/png' }).end('png bytes');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => other.close(() => resolve())));
    const s = await start();
    const moved = await s.rpc('updateSettings', { stashUrl: `http://127.0.0.1:${(other.address() as AddressInfo).port}/graphql` });
    expect(moved).toMatchObject({ status: 200, body: { hasApiKey: false } });
    await picture(s, '/api/stash-image/scene/1/screenshot');
    await s.rpc('testConnection');
    await s.rpc('syncNow');
    expect(keys.length).toBeGreaterThanOrEqual(3);
    expect(keys.every((key) => key === '')).toBe(true);
  });

  it('sends Stash only the picture path, its cache buster and the key, and relays what Stash says about caching', async () => {
    const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
    const stash = createServer((req, res) => {
      seen.push({ url: req.url!, headers: req.headers });
      if (req.url!.startsWith('/scene/2/')) return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<script>alert(1)</script>');
      if (req.url!.startsWith('/scene/3/')) return void res.writeHead(302, { Location: 'http://elsewhere.example/x.png' }).end();
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304, { ETag: '"v1"' }).end();
      res.writeHead(200, { 'Content-Type': 'image/jpeg', ETag: '"v1"', 'Cache-Control': 'max-age=60' }).end('jpeg bytes');
    });
    await new Promise<void>((resolve) => stash.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => stash.close(() => resolve())));
    const s = await start({ stashUrl: `http://127.0.0.1:${(stash.address() as AddressInfo).port}/graphql` });

    const served = await picture(s, '/api/stash-image/performer/7/image?t=1700000000&default=true&apikey=typed&url=http://evil.example&token=x');
    expect(served).toMatchObject({ status: 200, type: 'image/jpeg' });
    expect(served.bytes.toString()).toBe('jpeg bytes');
    expect(served.headers.get('etag')).toBe('"v1"');
    expect(served.headers.get('cache-control')).toBe('max-age=60');
    expect(seen[0]!.url).toBe('/performer/7/image?t=1700000000&default=true');
    expect(seen[0]!.headers.apikey).toBe(API_KEY);
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect((await picture(s, '/api/stash-image/performer/7/image', { 'If-None-Match': '"v1"' })).status).toBe(304);

    expect(await picture(s, '/api/stash-image/scene/2/screenshot')).toMatchObject({
      status: 502,
      error: 'Stash answered /scene/2/screenshot with text/html, not a picture',
    });
    expect(await picture(s, '/api/stash-image/scene/3/screenshot')).toMatchObject({
      status: 502,
      error: 'Stash answered HTTP 302 for /scene/3/screenshot',
    });
  });

  it('sends the key to the saved Stash origin only: a redirect elsewhere is not followed', async () => {
    const elsewhere: IncomingHttpHeaders[] = [];
    const other = createServer((req, res) => {
      elsewhere.push(req.headers);
      res.writeHead(200, { 'Content-Type': 'image/png' }).end('from another origin');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => other.close(() => resolve())));
    const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const stash = createServer((req, res) => {
      const status = req.url!.startsWith('/scene/1/') ? 307 : 301;
      res.writeHead(status, { Location: `${otherOrigin}${req.url}` }).end();
    });
    await new Promise<void>((resolve) => stash.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => stash.close(() => resolve())));
    const s = await start({ stashUrl: `http://127.0.0.1:${(stash.address() as AddressInfo).port}/graphql` });

    for (const path of ['/api/stash-image/scene/1/screenshot', '/api/stash-image/tag/4/image']) {
      const answer = await picture(s, path);
      expect(answer.status, path).toBe(502);
      expect(answer.error, path).toMatch(/^Stash answered HTTP 30[17] for /);
    }
    expect(elsewhere).toEqual([]);
  });

  it("reports Stash's failures in one line, without the key", async () => {
    const s = await start();
    expect(await picture(s, '/api/stash-image/scene/999999/screenshot')).toMatchObject({
      status: 404,
      error: 'Stash has no picture at /scene/999999/screenshot',
    });
    await s.rpc('updateSettings', { apiKey: 'replaced-secret-key-99' });
    expect(await picture(s, '/api/stash-image/scene/1/screenshot')).toMatchObject({
      status: 502,
      error: 'Stash refused the API key for /scene/1/screenshot',
    });
    await s.fake.close();
    expect(await picture(s, '/api/stash-image/scene/1/screenshot')).toMatchObject({
      status: 502,
      error: `Stash cannot be reached at ${s.fake.origin}`,
    });
    await s.rpc('updateSettings', { stashUrl: 'http://stash.example:9999', apiKey: '' });
    expect(s.bodies.join('\n')).not.toMatch(/replaced-secret-key-99|stash-api-key/);
  });
});

describe('headless host tokens', () => {
  it('refuses to listen beyond loopback without a token', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stash-mirror-host-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    await expect(startHttpHost({ dataDir, host: '0.0.0.0', port: 0, log: () => {} })).rejects.toThrow(
      /^Refusing to listen on 0\.0\.0\.0 without a token: pass --token or set STASH_MIRROR_TOKEN$/,
    );
  });

  it('requires the token on every API request when one is set', async () => {
    const token = 'tok-3141592653';
    const s = await start({ host: '0.0.0.0', token });
    expect((await s.rpc('getSettings')).status).toBe(401);
    expect((await s.rpc('getSettings', undefined, { Authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await s.rpc('getSettings', undefined, { Authorization: `Bearer ${token}x` })).status).toBe(401);
    expect((await s.api(`/api/rpc/getSettings?token=nope`)).status).toBe(401);
    expect((await s.api(HTTP_ROUTES.syncStash)).status).toBe(401);
    expect((await s.rpc('getSettings', undefined, { Authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await s.api(`/api/rpc/getSettings?token=${token}`)).status).toBe(200);
    const unauthorizedEvents = await fetch(`${s.host.url}${HTTP_ROUTES.events}`);
    expect(unauthorizedEvents.status).toBe(401);
    const events = await readEvents(`${s.host.url}${HTTP_ROUTES.events}?token=${token}`, (list) => list.length > 0);
    expect(events[0]!.event).toBe('syncStatus');
    // The page itself loads without it; the token is then passed with each call.
    expect((await fetch(`${s.host.url}/`)).status).toBe(200);
    // Stash's pictures too: an <img> sends it in the query, as the event stream does.
    const screenshot = '/api/stash-image/scene/1/screenshot';
    expect((await picture(s, screenshot)).status).toBe(401);
    expect((await picture(s, `${screenshot}?token=nope`)).status).toBe(401);
    expect(await picture(s, `${screenshot}?token=${token}`)).toMatchObject({ status: 200, type: 'image/png' });
    expect((await picture(s, screenshot, { Authorization: `Bearer ${token}` })).status).toBe(200);
    expect(s.bodies.join('\n')).not.toContain(token);
  });

  it('reads its options from the command line and the environment', () => {
    const options = parseServeCommand(['--port', '0', '--stash-url', 'http://stash:9999'], {
      STASH_API_KEY: 'env-key',
      STASH_MIRROR_TOKEN: 'env-token',
      XDG_CONFIG_HOME: '/cfg',
    });
    expect(options).toMatchObject({ host: '127.0.0.1', port: 0, apiKey: 'env-key', token: 'env-token', stashUrl: 'http://stash:9999' });
    expect(options.dataDir).toBe('/cfg/Stash Mirror');
    expect(parseServeCommand([], {}).port).toBe(4174);
    expect(() => parseServeCommand(['--port', 'x'], {})).toThrow(/--port/);
  });
});

describe("headless host: Stash's videos", () => {
  it('streams scene and marker videos with the API key it holds, passing Range requests on', async () => {
    const s = await start();
    expect((await s.api(HTTP_ROUTES.syncStash)).status).toBe(200);
    const hit = (await s.rpc('searchMarkers', { perPage: 1 })).body.hits[0];
    const marker = `/api/stash-stream/scene/${hit.scene.id}/scene_marker/${hit.id}`;
    expect(hit.urls).toMatchObject({ stream: `${marker}/stream`, preview: `${marker}/preview` });

    const whole = await picture(s, `/api/stash-stream/scene/${hit.scene.id}/stream`);
    expect(whole).toMatchObject({ status: 200, type: 'video/webm' });
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const part = await picture(s, hit.urls.stream, { Range: 'bytes=100-199' });
    expect(part).toMatchObject({ status: 206, type: 'video/webm' });
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${whole.bytes.length}`);
    expect(part.bytes).toEqual(whole.bytes.subarray(100, 200));
    expect(s.bodies.join('\n')).not.toContain(API_KEY);
  });

  it("refuses everything but Stash's video routes", async () => {
    const s = await start();
    for (const path of ['/api/stash-stream/graphql', '/api/stash-stream/scene/1/screenshot', '/api/stash-stream//evil.example/scene/1/stream']) {
      expect((await picture(s, path)).status, path).toBe(404);
    }
  });
});
