/**
 * The headless host: the mirror service over HTTP for a browser, with the built interface served
 * beside it. Routes are the contract's HTTP_ROUTES, plus Stash's pictures (stash-images.ts); every
 * method's argument is validated with the contract's schema before the service sees it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { silentLogger, type Logger } from '../core/log';
import { makePrivateDir } from '../core/paths';
import { oneLine } from '../core/one-line';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sirv from 'sirv';
import type { ZodError } from 'zod';
import { HTTP_ROUTES, isMethodName, METHOD_INPUTS, SyncRequest, type SyncOutcome } from '../shared/contract';
import type { MarkerSearchResult } from '../core/search/query';
import { createMirrorService } from '../core/service/mirror-service';
import { DEFAULT_DB_FILENAME } from '../core/paths';
import { ConfSettingsRepository } from './conf-settings';
import { eventStreams, HEARTBEAT_MS } from './event-stream';
import { contentSecurityPolicy } from '../shared/content-policy';
import { HttpError } from './http-error';
import { badRequestTarget } from '../shared/request-target';
import { fetchSiteAllowed, hostHeaderAllowed, isLoopback, originAllowed, SECURITY_HEADERS, tokenPresented } from './security';
import { STASH_IMAGE_ROUTE, StashPictures } from './stash-images';
import { STASH_STREAM_ROUTE, StashStreams } from './stash-stream';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4174;
export const DEFAULT_RENDERER_DIR = join(import.meta.dirname, '../../out/renderer');
/** Arguments are small objects; anything bigger is not a request of ours. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Stash's pictures come through this host (stash-images.ts), so the page needs no Stash origin. */
const PAGE_POLICY = contentSecurityPolicy(null);

export interface HttpHostOptions {
  /** Holds stash-mirror.db and settings.json. */
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Required to listen anywhere but loopback; then every API request must present it. */
  token?: string;
  /** Kept in memory only; see conf-settings.ts. */
  apiKey?: string;
  /** Replaces the saved Stash address. */
  stashUrl?: string;
  rendererDir?: string;
  version?: string;
  /** The host's own lines for a person (the address it serves); stdout by default. */
  log?: (line: string) => void;
  /** Where the service and the host log what went wrong; silent by default (npm run serve: stderr). */
  logger?: Logger;
  heartbeatMs?: number;
}

export interface HttpHost {
  /** e.g. http://127.0.0.1:4174 */
  url: string;
  close(): Promise<void>;
}

/** A failure to start, told in one line (a missing token, a port in use). */
export class HostStartError extends Error {
  override name = 'HostStartError';
}

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const host = options.host ?? DEFAULT_HOST;
  const token = options.token || undefined;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const logger = options.logger ?? silentLogger;
  if (!isLoopback(host) && !token) {
    throw new HostStartError(`Refusing to listen on ${host} without a token: pass --token or set STASH_MIRROR_TOKEN`);
  }
  makePrivateDir(options.dataDir);
  const settings = new ConfSettingsRepository({ dataDir: options.dataDir, apiKey: options.apiKey, stashUrl: options.stashUrl });
  const service = await createMirrorService({
    settings,
    databaseFile: join(options.dataDir, DEFAULT_DB_FILENAME),
    host: 'web',
    version: options.version ?? packageVersion(),
    logger,
  });
  const pictures = new StashPictures(settings, () => service.pictureCache());
  const videos = new StashStreams(settings);
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  const serveStatic = existsSync(join(rendererDir, 'index.html')) ? sirv(rendererDir, { single: true, etag: true }) : null;
  if (!serveStatic) log(`The interface is not built (no ${join(rendererDir, 'index.html')}): run npm run build; the API works meanwhile`);
  const streams = eventStreams(service, options.heartbeatMs ?? HEARTBEAT_MS, logger.child('events'));
  const httpLog = logger.child('http');

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = oneLine((error as Error)?.message ?? String(error));
      // An HttpError is an answer chosen here; anything else went wrong and is logged, by its path
      // alone: the query may hold the token.
      if (!(error instanceof HttpError)) httpLog.error(`${req.method} ${(req.url ?? '/').split('?')[0]} answered ${status}: ${message}`);
      if (!res.headersSent) sendJson(res, status, { error: message });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    res.setHeader('Content-Security-Policy', PAGE_POLICY);
    const malformed = badRequestTarget(req.url ?? '/');
    if (malformed) throw new HttpError(400, malformed);
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    if (!token && !hostHeaderAllowed(req, host)) throw new HttpError(403, 'Unknown Host header: open this app by its own address');
    if (!url.pathname.startsWith('/api/')) return serveInterface(req, res);
    res.setHeader('Cache-Control', 'no-store');
    if (!originAllowed(req) || !fetchSiteAllowed(req)) throw new HttpError(403, 'Requests from other sites are refused');
    if (token && !tokenPresented(req, url, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'A token is required: send Authorization: Bearer <token> or add ?token=<token>');
    }
    if (url.pathname.startsWith(`${STASH_IMAGE_ROUTE}/`)) return pictures.serve(req, res, url);
    if (url.pathname.startsWith(`${STASH_STREAM_ROUTE}/`)) return videos.serve(req, res, url);
    if (url.pathname === HTTP_ROUTES.events) {
      if (req.method !== 'GET') throw new HttpError(405, `${HTTP_ROUTES.events} takes GET`);
      return streams.open(req, res);
    }
    if (req.method !== 'POST') throw new HttpError(405, 'API calls take POST');
    if (url.pathname === HTTP_ROUTES.syncStash) return syncStash(req, res);
    const rpc = /^\/api\/rpc\/([^/]+)$/.exec(url.pathname);
    if (rpc) return call(decodeURIComponent(rpc[1]!), req, res);
    throw new HttpError(404, `No API route ${url.pathname}`);
  }

  async function call(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isMethodName(method)) throw new HttpError(404, `Unknown method ${method}`);
    if (method === 'openExternal') {
      throw new HttpError(404, 'openExternal is not available over HTTP: the browser opens links itself');
    }
    const input = METHOD_INPUTS[method].safeParse(await readJson(req));
    if (!input.success) throw new HttpError(400, describeInvalid(method, input.error));
    const invoke = service[method] as (arg: unknown) => Promise<unknown>;
    const result = await invoke.call(service, input.data);
    if (method === 'updateSettings') pictures.settingsSaved();
    sendJson(
      res,
      200,
      (method === 'searchMarkers' ? videos.hostedStreams(pictures.hostedScreenshots(result as MarkerSearchResult)) : result) ?? null,
    );
  }

  async function syncStash(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = SyncRequest.safeParse((await readJson(req)) ?? {});
    if (!request.success) throw new HttpError(400, describeInvalid('sync', request.error));
    const outcome = await service.syncNow(request.data, { trigger: 'api' });
    if (outcome.ok) sendJson(res, 200, outcome.summary);
    else sendJson(res, SYNC_FAILURE_STATUS[outcome.kind], { error: outcome.reason, kind: outcome.kind });
  }

  function serveInterface(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Only GET and HEAD are served here');
    if (!serveStatic) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('The interface is not built: run npm run build\n');
      return;
    }
    serveStatic(req, res);
  }

  try {
    await listen(server, host, options.port ?? DEFAULT_PORT);
  } catch (error) {
    await service.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log(`Stash Mirror is serving ${url}${token ? ' (open it with ?token=<your token>)' : ''}`);

  let closing: Promise<void> | null = null;
  return {
    url,
    close: () =>
      (closing ??= (async () => {
        streams.closeAll();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await service.close();
      })()),
  };
}

const SYNC_FAILURE_STATUS: Record<Extract<SyncOutcome, { ok: false }>['kind'], number> = {
  alreadyRunning: 409,
  cancelled: 409,
  notConfigured: 400,
  failed: 502,
};

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new HostStartError(`Port ${port} on ${host} is in use: pass another --port`)
          : new HostStartError(`Cannot listen on ${host}:${port}: ${error.message}`),
      );
    });
    server.listen(port, host, () => resolve());
  });
}

/** The body as JSON; an empty body or `null` is no argument. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) ?? undefined;
  } catch {
    // The parser's own words add nothing a client could act on.
    throw new HttpError(400, 'The request body is not valid JSON');
  }
}

/** The first problem, naming the field: "searchMarkers: perPage: Too big: expected number to be <=500". */
function describeInvalid(what: string, error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `${what}: invalid input`;
  const path = issue.path.map(String).join('.');
  const keys = 'keys' in issue && Array.isArray(issue.keys) ? ` (${issue.keys.join(', ')})` : '';
  return oneLine(`${what}: ${path ? `${path}: ` : ''}${issue.message}${keys}`);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // A bundle without its package.json still serves; only the version shown in About is unknown.
    return '0.0.0';
  }
}
