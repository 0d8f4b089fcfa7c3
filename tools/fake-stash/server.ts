/**
 * HTTP front of the fake: Stash's routes, API-key rules, gqlgen-like status codes, gzip, and
 * injectable faults that stand for a flaky network or a misconfigured proxy in front of Stash.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { type DocumentNode, execute, type ExecutionResult, type GraphQLError, getOperationAST, Kind, parse, validate } from 'graphql';
import { createClock, type FakeClock } from './clock';
import { FakeLibrary } from './library';
import { createFakeMedia, type FakeMedia, serveMedia } from './media';
import { warmSortCaches } from './query';
import { createRng, mixSeed } from './rng';
import { planFor, runPlan } from './execute';
import { serveStream } from './stream';
import { type ExecContext, fakeSchema } from './schema';

export type FaultKind =
  | 'http500'
  | 'http502'
  | 'http503'
  | 'drop'
  | 'html'
  | 'notJson'
  | 'malformed'
  | 'graphqlError'
  | 'slow'
  /** A list page one row longer than its per_page asked for (or than the ids asked for). */
  | 'extraRows'
  /** The first row of a list page with `id` as its id. */
  | 'badId';

export interface FaultOptions {
  /** How many matching requests fail this way; default 1. */
  times?: number;
  /** For 'slow': how long to wait before answering normally; default 2000. */
  delayMs?: number;
  /** Only requests with this operation name match. */
  operationName?: string;
  /** Let this many matching requests pass before the fault starts. */
  afterRequests?: number;
  /** For 'badId': the id sent; default "1e2". */
  id?: string;
  /** For 'graphqlError' and 'http500': the text sent, as a server echoing what it was sent would. */
  message?: string;
}

export interface FaultInjector {
  inject(kind: FaultKind, opts?: FaultOptions): void;
  clear(): void;
  /** Faults still armed (times left). */
  readonly pending: number;
}

export interface RequestRecord {
  operationName: string | null;
  variables: Record<string, unknown>;
  /** HTTP status sent; 0 when the connection was dropped. */
  status: number;
  /** The injected fault that answered this request, if any. */
  fault?: FaultKind;
}

export interface BeforeExecuteInfo {
  operationName: string | null;
  variables: Record<string, unknown>;
  index: number;
}

export interface FakeStash {
  /** 'http://127.0.0.1:PORT/graphql' */
  url: string;
  /** 'http://127.0.0.1:PORT' */
  origin: string;
  library: FakeLibrary;
  clock: FakeClock;
  faults: FaultInjector;
  /** Every GraphQL request received, in order. */
  requests: RequestRecord[];
  /** Called before each GraphQL request is executed: tests change data "between pages" here. */
  beforeExecute: ((req: BeforeExecuteInfo) => void) | null;
  /** The picture routes' request log and which markers have no generated pictures. */
  media: FakeMedia;
  close(): Promise<void>;
}

export interface StartOptions {
  library?: FakeLibrary;
  /** When set, every request needs it in the ApiKey header or the apikey query parameter. */
  apiKey?: string;
  /** Default 0: any free port. */
  port?: number;
  /** 'shuffle' (default): rows tying on every sort key come back in a per-request order. */
  tieOrder?: 'shuffle' | 'stable';
  /** Seeds the tie shuffling, so a failing run can be replayed. */
  seed?: number;
  /** Compress responses for clients that accept gzip, like Stash; default true. */
  gzip?: boolean;
  /**
   * 'fast' (default) runs plain documents through a planned executor and everything else through
   * graphql-js; 'graphql-js' always uses graphql-js (the reference the fast path is tested against).
   */
  executor?: 'fast' | 'graphql-js';
  /** Sort the tables by id and updated_at before listening, so the first pages are not slower; default true. */
  warm?: boolean;
  /**
   * Time every GraphQL answer takes before it is executed, as a real Stash's query and the network
   * would on another machine; requests wait side by side, none holds up another. Default 0.
   */
  latencyMs?: number;
}

interface ArmedFault {
  kind: FaultKind;
  times: number;
  skip: number;
  delayMs: number;
  operationName: string | null;
  id: string;
  message: string | null;
}

const gzip = promisify(zlib.gzip);

const UI_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stash</title></head>
<body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>
<p>Fake Stash: GraphQL is served at /graphql.</p></body></html>
`;
const NOT_FOUND_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>404 Not Found</title></head>
<body><h1>404 page not found</h1></body></html>
`;
const PROXY_HTML = `<!doctype html>
<html><head><title>Sign in</title></head><body><form method="post"><input name="password"></form></body></html>
`;

const LIST_FIELDS: Record<string, string> = {
  findPerformers: 'performers',
  findTags: 'tags',
  findScenes: 'scenes',
  findSceneMarkers: 'scene_markers',
};

/** Parsed and validated documents by query text: clients send the same few documents over and over. */
const documentCache = new Map<string, { document: DocumentNode; errors: readonly GraphQLError[] }>();

function prepare(query: string): { document: DocumentNode | null; errors: readonly GraphQLError[] } {
  const hit = documentCache.get(query);
  if (hit) return hit;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (e) {
    return { document: null, errors: [e as GraphQLError] };
  }
  const entry = { document, errors: validate(fakeSchema(), document) };
  if (documentCache.size > 500) documentCache.clear();
  documentCache.set(query, entry);
  return entry;
}

/** Response key of the operation's first root field (alias-aware), for shape-breaking faults. */
function rootFieldOf(document: DocumentNode | null, operationName: string | null): { key: string; name: string } {
  if (!document) return { key: 'data', name: '' };
  const op = getOperationAST(document, operationName ?? undefined);
  const first = op?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  if (!first || first.kind !== Kind.FIELD) return { key: 'data', name: '' };
  return { key: first.alias?.value ?? first.name.value, name: first.name.value };
}

function headerValue(v: string | string[] | undefined): string {
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export { SCREENSHOT_SIZE } from './media';

/** The page-breaking faults, applied to an executed answer: more rows than asked for, or an odd id. */
function alterPage(fault: ArmedFault, data: Record<string, unknown>, root: { key: string; name: string }, variables: Record<string, unknown>): void {
  const list = LIST_FIELDS[root.name];
  const page = data[root.key] as Record<string, unknown> | null | undefined;
  const rows = list && page ? (page[list] as Record<string, unknown>[] | undefined) : undefined;
  if (!rows || rows.length === 0) return;
  if (fault.kind === 'badId') {
    rows[0] = { ...rows[0], id: fault.id };
    return;
  }
  const filter = variables.filter as { per_page?: number } | undefined;
  const asked = Array.isArray(variables.ids) ? variables.ids.length : (filter?.per_page ?? 25);
  while (rows.length <= asked) rows.push({ ...rows[rows.length - 1], id: String(1_000_000 + rows.length) });
}

export function startFakeStash(opts: StartOptions = {}): Promise<FakeStash> {
  const library = opts.library ?? new FakeLibrary(createClock());
  const schema = fakeSchema();
  const apiKey = opts.apiKey ?? null;
  const tieOrder = opts.tieOrder ?? 'shuffle';
  const seed = opts.seed ?? 0x5eed;
  const useGzip = opts.gzip ?? true;
  const fastPath = (opts.executor ?? 'fast') === 'fast';
  if (opts.warm ?? true) warmSortCaches(library);
  let armed: ArmedFault[] = [];
  let executed = 0;
  let origin = '';

  const faults: FaultInjector = {
    inject(kind, o = {}) {
      armed.push({
        kind,
        times: o.times ?? 1,
        skip: o.afterRequests ?? 0,
        delayMs: o.delayMs ?? 2000,
        operationName: o.operationName ?? null,
        id: o.id ?? '1e2',
        message: o.message ?? null,
      });
    },
    clear() {
      armed = [];
    },
    get pending() {
      return armed.reduce((n, f) => n + f.times, 0);
    },
  };

  const stash: FakeStash = {
    url: '',
    origin: '',
    library,
    clock: library.clock,
    faults,
    requests: [],
    beforeExecute: null,
    media: createFakeMedia(),
    close: async () => {},
  };

  function takeFault(operationName: string | null): ArmedFault | null {
    for (const f of armed) {
      if (f.times <= 0) continue;
      if (f.operationName !== null && f.operationName !== operationName) continue;
      if (f.skip > 0) {
        f.skip--;
        continue;
      }
      f.times--;
      armed = armed.filter((a) => a.times > 0);
      return f;
    }
    return null;
  }

  async function send(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    status: number,
    contentType: string,
    body: string | Buffer,
    extraHeaders: http.OutgoingHttpHeaders = {},
  ): Promise<void> {
    if (res.destroyed) return;
    // Stash's HTTP server dates every answer with its own clock, the clock it stamps rows with.
    const headers: http.OutgoingHttpHeaders = { ...extraHeaders, 'Content-Type': contentType, Date: new Date(library.clock.epochMs).toUTCString() };
    let payload: Buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (useGzip && payload.length > 1024 && /\bgzip\b/.test(headerValue(req.headers['accept-encoding']))) {
      payload = await gzip(payload, { level: 1 });
      headers['Content-Encoding'] = 'gzip';
      headers['Vary'] = 'Accept-Encoding';
    }
    headers['Content-Length'] = payload.length;
    if (res.destroyed) return;
    res.writeHead(status, headers);
    res.end(payload);
  }

  const sendText = (req: http.IncomingMessage, res: http.ServerResponse, status: number, text: string) =>
    send(req, res, status, 'text/plain; charset=utf-8', text);
  const sendHtml = (req: http.IncomingMessage, res: http.ServerResponse, status: number, html: string) =>
    send(req, res, status, 'text/html; charset=utf-8', html);

  const keySent = (req: http.IncomingMessage, url: URL) => headerValue(req.headers['apikey']) || (url.searchParams.get('apikey') ?? '');

  /** Stash checks a key whenever one is sent, so even an open server rejects a stray key. */
  function authorized(req: http.IncomingMessage, url: URL): boolean {
    const sent = keySent(req, url);
    if (apiKey === null) return sent === '';
    return sent === apiKey;
  }

  async function serveGraphql(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    let query = '';
    let variables: Record<string, unknown> = {};
    let operationName: string | null = null;
    let badRequest: string | null = null;
    if (req.method === 'POST') {
      const raw = await readBody(req);
      try {
        const body = JSON.parse(raw) as { query?: unknown; variables?: unknown; operationName?: unknown };
        query = typeof body.query === 'string' ? body.query : '';
        if (body.variables && typeof body.variables === 'object') variables = body.variables as Record<string, unknown>;
        if (typeof body.operationName === 'string' && body.operationName !== '') operationName = body.operationName;
      } catch (e) {
        badRequest = `json request body could not be decoded: ${(e as Error).message}`;
      }
    } else {
      query = url.searchParams.get('query') ?? '';
      const vars = url.searchParams.get('variables');
      if (vars) {
        try {
          variables = JSON.parse(vars) as Record<string, unknown>;
        } catch {
          badRequest = 'variables could not be decoded';
        }
      }
      operationName = url.searchParams.get('operationName') || null;
    }

    const prepared = query === '' ? null : prepare(query);
    if (operationName === null && prepared?.document) {
      operationName = getOperationAST(prepared.document)?.name?.value ?? null;
    }
    const record: RequestRecord = { operationName, variables, status: 0 };
    const index = stash.requests.length;
    stash.requests.push(record);

    const reply = async (status: number, contentType: string, body: string) => {
      record.status = status;
      await send(req, res, status, contentType, body);
    };

    // Faults sit in front of Stash, like the network or a proxy would.
    const fault = takeFault(operationName);
    if (fault) {
      record.fault = fault.kind;
      switch (fault.kind) {
        case 'http500':
          return reply(500, 'text/plain; charset=utf-8', `${fault.message ?? 'Internal Server Error'}\n`);
        case 'http502':
          return reply(502, 'text/plain; charset=utf-8', 'Bad Gateway\n');
        case 'http503':
          return reply(503, 'text/plain; charset=utf-8', 'Service Unavailable\n');
        case 'drop':
          record.status = 0;
          req.socket.destroy();
          return;
        case 'html':
          return reply(200, 'text/html; charset=utf-8', PROXY_HTML);
        case 'notJson':
          return reply(200, 'application/json', '{"data":{"findScenes":{"count":12,"scenes":[{"id":"1","ti');
        case 'malformed': {
          const root = rootFieldOf(prepared?.document ?? null, operationName);
          const list = LIST_FIELDS[root.name];
          const wrong = list ? { count: 'x', [list]: [{ id: null }] } : 'x';
          return reply(200, 'application/json', JSON.stringify({ data: { [root.key]: wrong } }));
        }
        case 'graphqlError':
          return reply(
            200,
            'application/json',
            JSON.stringify({ errors: [{ message: fault.message ?? 'injected fault: internal system error', path: [] }], data: null }),
          );
        case 'extraRows':
        case 'badId':
          // Answered normally, then altered below.
          break;
        case 'slow':
          await new Promise((r) => setTimeout(r, fault.delayMs));
          if (req.socket.destroyed) {
            record.status = 0;
            return;
          }
          break;
      }
    }

    if (opts.latencyMs) {
      await new Promise((r) => setTimeout(r, opts.latencyMs));
      if (req.socket.destroyed) {
        record.status = 0;
        return;
      }
    }
    if (!authorized(req, url)) return reply(401, 'text/plain; charset=utf-8', 'Unauthorized\n');

    // gqlgen answers undecodable bodies with 400 and protocol-level failures with 422.
    if (badRequest !== null) {
      return reply(400, 'application/json', JSON.stringify({ errors: [{ message: badRequest }], data: null }));
    }
    if (prepared === null) {
      return reply(422, 'application/json', JSON.stringify({ errors: [{ message: 'no operation provided' }], data: null }));
    }
    if (prepared.document === null || prepared.errors.length > 0) {
      const code = prepared.document === null ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED';
      const errors = prepared.errors.map((e) => ({ ...e.toJSON(), extensions: { code } }));
      return reply(422, 'application/json', JSON.stringify({ errors, data: null }));
    }

    stash.beforeExecute?.({ operationName, variables, index });
    const ctx: ExecContext = {
      lib: library,
      origin,
      ties: { tieOrder, rng: createRng(mixSeed(seed, executed++)) },
    };
    const plan = fastPath ? planFor(schema, prepared.document, operationName) : null;
    const fast = plan ? runPlan(schema, plan, variables, ctx) : null;
    const result: ExecutionResult =
      fast ??
      (execute({
        schema,
        document: prepared.document,
        variableValues: variables,
        operationName: operationName ?? undefined,
        contextValue: ctx,
      }) as ExecutionResult);
    if (!('data' in result)) {
      // Variable coercion or operation selection failed before execution: a protocol error.
      const errors = (result.errors ?? []).map((e) => ({ ...e.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
      return reply(422, 'application/json', JSON.stringify({ errors, data: null }));
    }
    if ((fault?.kind === 'extraRows' || fault?.kind === 'badId') && result.data) {
      alterPage(fault, result.data, rootFieldOf(prepared.document, operationName), variables);
    }
    const body = result.errors ? { errors: result.errors.map((e) => e.toJSON()), data: result.data ?? null } : { data: result.data };
    return reply(200, 'application/json', JSON.stringify(body));
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;
    if (path === '/graphql' && (req.method === 'POST' || req.method === 'GET')) {
      return serveGraphql(req, res, url);
    }
    const picture = { path, method: req.method ?? 'GET', withKey: keySent(req, url) !== '', authorized: authorized(req, url) };
    if (await serveMedia(stash.media, library, picture, (...answer) => send(req, res, ...answer), opts.latencyMs ?? 0)) return;
    if (!authorized(req, url)) return sendText(req, res, 401, 'Unauthorized\n');
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (path === '/') return sendHtml(req, res, 200, UI_HTML);
      if (serveStream(library, path, req, res)) return;
    }
    return sendHtml(req, res, 404, NOT_FOUND_HTML);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A throwing beforeExecute hook or a bug: make it loud rather than hang the client.
      console.error('fake-stash: request failed:', e);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`fake-stash internal error: ${(e as Error).message}\n`);
      }
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      origin = `http://127.0.0.1:${port}`;
      stash.origin = origin;
      stash.url = `${origin}/graphql`;
      stash.close = () =>
        new Promise<void>((done) => {
          server.close(() => done());
          for (const s of sockets) s.destroy();
        });
      resolve(stash);
    });
  });
}
