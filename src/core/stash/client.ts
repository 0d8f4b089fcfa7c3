/**
 * A Stash GraphQL client: graphql-request underneath, with the transport policy a sync needs —
 * timeouts, retries with backoff for network errors and 5xx, and a typed, one-line error for
 * every way a URL can fail to be a working Stash.
 */
import { ClientError, GraphQLClient } from 'graphql-request';
import { isHttpProtocol } from '../../shared/http-url';
import { oneLine } from '../one-line';
import { redactUrl, redactUrlText, Secrets } from '../secrets';
import { NotStashError, ResponseTooLargeError, StashAuthError, StashError, StashQueryError, StashServerError, StashUnreachableError } from './errors';
import { SERVER_IDENTITY } from './documents';

export interface StashClientOptions {
  /** The GraphQL endpoint, e.g. http://localhost:9999/graphql (a bare origin gets /graphql). */
  url: string;
  /** Sent as the ApiKey header; omit for a server without credentials. */
  apiKey?: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Further attempts after the first, for network errors and 5xx only. */
  retries?: number;
  /** Delay before retry n is backoffMs * 4^(n-1). */
  backoffMs?: number;
  /** A response body larger than this (decompressed) aborts the request. */
  maxResponseBytes?: number;
}

export interface ServerIdentity {
  version: string | null;
  appSchema: number;
  status: string;
}

export interface StashClientStats {
  requests: number;
  retries: number;
  bytes: number;
}

/** 256 MiB: far above any page a sync asks for, far below what would exhaust memory. */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
const DEFAULTS = { timeoutMs: 60_000, retries: 3, backoffMs: 250, maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES };
/** Same-origin redirects followed per request (a proxy adding a slash, a moved path). */
const MAX_REDIRECTS = 5;
/** Visible ASCII: what an HTTP header carries as is, and all a Stash API key (a JWT) is made of. */
const HEADER_SAFE_KEY = /^[\x21-\x7e]+$/;

/**
 * The address a user typed, as the client's endpoint: `host:port` without a scheme means http://,
 * a bare origin gets /graphql. Refused with a one-line reason: control characters (which the URL
 * parser would silently drop), credentials and an API key in the address.
 */
export function normalizeStashUrl(raw: string): URL {
  if (CONTROL_CHARACTER.test(raw) || ENCODED_CONTROL_CHARACTER.test(raw)) {
    throw new NotStashError(`${JSON.stringify(withoutSecrets(raw))} contains a control character: type the address again`);
  }
  const typed = raw.trim();
  const withScheme = HAS_SCHEME.test(typed) ? typed : `http://${typed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new NotStashError(`"${withoutSecrets(raw)}" is not a URL; expected something like http://localhost:9999/graphql`);
  }
  if (!isHttpProtocol(url)) {
    throw new NotStashError(`${withoutSecrets(raw)} is not an http(s) URL`);
  }
  // fetch refuses such a URL, and Stash authenticates by API key, not by the URL.
  if (url.username || url.password) {
    throw new NotStashError(`${withoutSecrets(raw)} names a user or password: give Stash's API key instead (--api-key-file or STASH_API_KEY)`);
  }
  // A key in the address ends up in logs, history and every picture link: it belongs in its own field.
  if ([...url.searchParams.keys()].some((name) => API_KEY_PARAMETER.test(name))) {
    throw new NotStashError(
      `${displayUrl(url)} carries an API key (?apikey=): remove it from the address and enter the key in the API key field (or --api-key-file)`,
    );
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/graphql';
  return url;
}

/** C0 controls, DEL and C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, percent-encoded: %00 in a path is a NUL all the same to the server. */
const ENCODED_CONTROL_CHARACTER = /%(?:[01][0-9a-f]|7f)/i;
/** `scheme://`; anything else (`localhost:9999`, `127.0.0.1:9999/graphql`) is a host without one. */
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Stash takes its API key as `?apikey=` too, in any case. */
const API_KEY_PARAMETER = /^apikey$/i;

/** Text that failed to parse as a URL, safe to print: an apikey parameter or user:password@ masked. */
function withoutSecrets(raw: string): string {
  return redactUrlText(raw, 'apikey');
}

/** How Stash (gqlparser, as graphql-js) refuses a field its schema lacks. */
const MISSING_FIELD = /Cannot query field "(\w+)" on type "(\w+)"/;

/** The URL as safe to print: an apikey query parameter masked, credentials left out (Stash takes none). */
export function displayUrl(url: URL): string {
  const shown = redactUrl(url, API_KEY_PARAMETER);
  shown.username = '';
  shown.password = '';
  return shown.toString();
}

export class StashClient {
  readonly url: URL;
  readonly shownUrl: string;
  readonly stats: StashClientStats = { requests: 0, retries: 0, bytes: 0 };
  /** The server's clock as its latest answer's Date header gave it (epoch ms, whole seconds), if it sent one. */
  serverDateMs: number | null = null;
  /**
   * What no error may repeat, whatever a library or the server put in it. Public so that the sync
   * engine and the service redact what they raise and store with the same set.
   */
  readonly secrets: Secrets;
  private readonly options: Required<Omit<StashClientOptions, 'apiKey'>> & { apiKey?: string };
  private readonly graphql: GraphQLClient;

  constructor(options: StashClientOptions) {
    this.url = normalizeStashUrl(options.url);
    this.shownUrl = displayUrl(this.url);
    // A pasted key often brings a line break or spaces along; inside, no key has them.
    const apiKey = options.apiKey?.trim() || undefined;
    if (apiKey && !HEADER_SAFE_KEY.test(apiKey)) {
      throw new StashAuthError("The API key has spaces, line breaks or other characters no key has: copy it again from Stash's Settings > Security");
    }
    this.options = { ...DEFAULTS, ...options, apiKey };
    this.secrets = new Secrets([apiKey]);
    const headers: Record<string, string> = {};
    if (apiKey) headers.ApiKey = apiKey;
    this.graphql = new GraphQLClient(this.url.toString(), {
      headers,
      fetch: (input, init) => this.fetchWithPolicy(input, init),
    });
  }

  /** Runs one query; GraphQL errors become StashQueryError. */
  async query<T>(document: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    try {
      return await this.graphql.request<T>({ document, variables, signal });
    } catch (error) {
      throw this.secrets.redactError(this.translate(error, document));
    }
  }

  /** Proves the URL is a Stash and the key works, before anything is written. */
  async identify(signal?: AbortSignal): Promise<ServerIdentity> {
    type Answer = {
      version?: { version: string | null };
      systemStatus?: { status: string; appSchema: number };
    };
    let answer: Answer;
    try {
      answer = await this.query<Answer>(SERVER_IDENTITY, {}, signal);
    } catch (error) {
      if (error instanceof StashQueryError) {
        throw new NotStashError(
          `${this.shownUrl} is a GraphQL server but not Stash (${oneLine(error.graphqlMessages[0] ?? 'unknown query', QUOTED_CHARS)})`,
        );
      }
      throw error;
    }
    if (!answer?.systemStatus || typeof answer.systemStatus.appSchema !== 'number') {
      throw new NotStashError(`${this.shownUrl} is not a Stash server: its GraphQL answer has no systemStatus`);
    }
    return {
      version: answer.version?.version ?? null,
      appSchema: answer.systemStatus.appSchema,
      status: answer.systemStatus.status,
    };
  }

  private translate(error: unknown, document: string): Error {
    if (error instanceof StashError || isAbort(error)) return error as Error;
    if (error instanceof ClientError) {
      const messages = (error.response.errors ?? []).map((e) => this.secrets.redact(e.message));
      if (messages.length > 0) {
        const operation = /query\s+(\w+)/.exec(document)?.[1] ?? 'query';
        // A later Stash that dropped or renamed a field we read: name the field, not just the refusal.
        const dropped = messages.map((m) => MISSING_FIELD.exec(m)).find((match) => match !== null);
        if (dropped) {
          const [, field, type] = dropped;
          return new StashQueryError(`This Stash has no ${type}.${field}, which Stash Mirror reads (in ${operation}): its schema changed`, messages);
        }
        return new StashQueryError(`Stash rejected ${operation}: ${oneLine(messages.join('; '), QUOTED_CHARS)}`, messages);
      }
      return new NotStashError(`${this.shownUrl} is not a Stash server: no GraphQL data in its answer (HTTP ${error.response.status})`);
    }
    if (error instanceof SyntaxError) {
      return new NotStashError(`${this.shownUrl} is not a Stash server: its answer is not valid JSON`);
    }
    return new StashError(`Talking to Stash at ${this.shownUrl} failed: ${describe(error)}`);
  }

  /** Transport policy under graphql-request: classifies HTTP answers, retries what can pass. */
  private async fetchWithPolicy(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const { retries, timeoutMs } = this.options;
    const callerSignal = init?.signal ?? undefined;
    for (let attempt = 0; ; attempt++) {
      callerSignal?.throwIfAborted();
      const signals = [AbortSignal.timeout(timeoutMs), ...(callerSignal ? [callerSignal] : [])];
      let answer: { response: Response; body: Uint8Array<ArrayBuffer> };
      try {
        answer = await this.fetchFollowingSameOrigin(String(input instanceof Request ? input.url : input), {
          ...init,
          signal: AbortSignal.any(signals),
        });
      } catch (error) {
        if (callerSignal?.aborted) throw callerSignal.reason;
        // What the client decided (a redirect elsewhere, a body over the cap) is not retried.
        if (error instanceof StashError) throw error;
        if (attempt < retries) {
          await this.backoff(attempt, callerSignal);
          continue;
        }
        throw new StashUnreachableError(`Cannot reach Stash at ${this.shownUrl}: ${describe(error)}`);
      }
      const { response, body } = answer;
      // 501: the server does not implement POST at all, a web server rather than a failing Stash.
      if (response.status >= 500 && response.status !== 501) {
        if (attempt < retries) {
          await this.backoff(attempt, callerSignal);
          continue;
        }
        const said = quotable(response, body);
        throw new StashServerError(
          `Stash at ${this.shownUrl} failed with HTTP ${response.status} after ${tries(attempt + 1)}${said ? `: ${said}` : ''}`,
        );
      }
      this.checkAnswer(response, body);
      return new Response(body, { status: response.status, headers: response.headers });
    }
  }

  /**
   * One request, redirects handled by hand: fetch would follow one to any origin and send the
   * ApiKey header along. Within the origin the same request is sent again (method and body: a
   * GraphQL query turned into a bodiless GET would only fail), up to MAX_REDIRECTS times.
   */
  private async fetchFollowingSameOrigin(first: string, init: RequestInit): Promise<{ response: Response; body: Uint8Array<ArrayBuffer> }> {
    let target = new URL(first);
    for (let redirects = 0; ; redirects++) {
      this.stats.requests++;
      const response = await fetch(target, { ...init, redirect: 'manual' });
      const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
      if (location === null) {
        const date = Date.parse(response.headers.get('date') ?? '');
        if (Number.isFinite(date)) this.serverDateMs = date;
        const body = await this.readCapped(response, init.signal ?? undefined);
        this.stats.bytes += body.byteLength;
        return { response, body };
      }
      await response.body?.cancel();
      const next = parseLocation(location, target);
      const shownNext = next ? this.secrets.redact(displayUrl(next)) : JSON.stringify(this.secrets.redact(withoutSecrets(location)).slice(0, 200));
      if (!next || next.origin !== target.origin) {
        throw new NotStashError(
          `${this.shownUrl} redirects (HTTP ${response.status}) to ${shownNext}, another server: the API key is not sent there; if that is your Stash, enter its address instead`,
        );
      }
      if (redirects >= MAX_REDIRECTS) {
        throw new NotStashError(`${this.shownUrl} is not a Stash server: it redirected more than ${MAX_REDIRECTS} times (last to ${shownNext})`);
      }
      target = next;
    }
  }

  /**
   * The body as bytes, read as a stream and abandoned past maxResponseBytes, so that a hostile or
   * broken server cannot make the client buffer gigabytes. Decoded bytes count: a gzip bomb too.
   */
  private async readCapped(response: Response, signal?: AbortSignal): Promise<Uint8Array<ArrayBuffer>> {
    const cap = this.options.maxResponseBytes;
    const tooLarge = () => new ResponseTooLargeError(`${this.shownUrl} sent a response larger than ${formatBytes(cap)}: the request was stopped`);
    const declared = Number(response.headers.get('content-length'));
    if (response.headers.get('content-encoding') === null && declared > cap) {
      await response.body?.cancel();
      throw tooLarge();
    }
    if (!response.body) return new Uint8Array(0);
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > cap) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
    const body = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return body;
  }

  private checkAnswer(response: Response, body: Uint8Array): void {
    const where = this.shownUrl;
    if (response.status === 401 || response.status === 403) {
      throw this.options.apiKey
        ? new StashAuthError(`Stash at ${where} refused the API key (HTTP ${response.status})`, "check the key in Stash's Settings > Security")
        : new StashAuthError(`Stash at ${where} requires an API key (HTTP ${response.status})`, 'give it with --api-key-file or STASH_API_KEY');
    }
    if (response.status === 404) {
      throw new NotStashError(`${where} is not a Stash server (HTTP 404 at that address); expected e.g. http://localhost:9999/graphql`);
    }
    const type = response.headers.get('content-type') ?? '';
    const start = firstVisibleByte(body);
    if (/html/i.test(type) || start === '<') {
      throw new NotStashError(`${where} is not a Stash server: it answered with a web page (HTTP ${response.status}), not GraphQL JSON`);
    }
    if (start !== '{') {
      throw new NotStashError(`${where} is not a Stash server: it did not answer with JSON (HTTP ${response.status})`);
    }
    // Stash answers a request it cannot run with 4xx and GraphQL errors; anything else is not Stash.
    if (response.status >= 400 && !new TextDecoder().decode(body.subarray(0, 4096)).includes('"errors"')) {
      throw new NotStashError(`${where} is not a Stash server (HTTP ${response.status})`);
    }
  }

  private async backoff(attempt: number, signal?: AbortSignal): Promise<void> {
    this.stats.retries++;
    const delay = this.options.backoffMs * 4 ** attempt;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, delay);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          // The caller's reason, as every other aborted step of a sync rejects with it.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** A network error's innermost cause is the useful part (ECONNREFUSED, ENOTFOUND, ...). */
function describe(error: unknown): string {
  let current: unknown = error;
  let text = '';
  while (current instanceof Error) {
    const code = (current as { code?: string }).code;
    text = code ? `${code}${current.message && !current.message.includes(code) ? ` (${current.message})` : ''}` : current.message;
    if (current.name === 'TimeoutError') return 'timed out';
    current = current.cause;
  }
  return text || String(error);
}

function firstVisibleByte(body: Uint8Array): string | undefined {
  for (const byte of body) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return String.fromCharCode(byte);
  return undefined;
}

/** A failing server's own words, when they are plain text: the first line; never a web page. */
function quotable(response: Response, body: Uint8Array): string {
  if (/html/i.test(response.headers.get('content-type') ?? '') || firstVisibleByte(body) === '<') return '';
  return oneLine(new TextDecoder().decode(body.subarray(0, 1024)).trim().split('\n')[0] ?? '', QUOTED_CHARS);
}

/** A server's words quoted in a one-line reason: at most 120 of its characters, then an ellipsis. */
const QUOTED_CHARS = 121;

/** "1 try", "3 tries". */
function tries(count: number): string {
  return count === 1 ? '1 try' : `${count} tries`;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Where a Location header points, resolved against the request; null when it is not a URL. */
function parseLocation(location: string, base: URL): URL | null {
  try {
    return new URL(location, base);
  } catch {
    return null;
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
