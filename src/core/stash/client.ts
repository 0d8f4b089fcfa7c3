/**
 * A Stash GraphQL client: graphql-request underneath, with the transport policy a sync needs —
 * timeouts, retries with backoff for network errors and 5xx, and a typed, one-line error for
 * every way a URL can fail to be a working Stash.
 */
import { ClientError, GraphQLClient } from 'graphql-request';
import {
  NotStashError,
  StashAuthError,
  StashError,
  StashQueryError,
  StashServerError,
  StashUnreachableError,
} from './errors';
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

const DEFAULTS = { timeoutMs: 60_000, retries: 3, backoffMs: 250 };
/** Visible ASCII: what an HTTP header carries as is, and all a Stash API key (a JWT) is made of. */
const HEADER_SAFE_KEY = /^[\x21-\x7e]+$/;

/** Adds /graphql to a bare origin, so users may paste the address they open in a browser. */
export function normalizeStashUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NotStashError(`"${withoutSecrets(raw)}" is not a URL; expected something like http://localhost:9999/graphql`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NotStashError(`${withoutSecrets(raw)} is not an http(s) URL`);
  }
  // fetch refuses such a URL, and Stash authenticates by API key, not by the URL.
  if (url.username || url.password) {
    throw new NotStashError(`${withoutSecrets(raw)} names a user or password: give Stash's API key instead (--api-key or STASH_API_KEY)`);
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/graphql';
  return url;
}

/** Text that failed to parse as a URL, safe to print: an apikey parameter or user:password@ masked. */
function withoutSecrets(raw: string): string {
  return raw.replace(/([?&]apikey=)[^&#\s]*/gi, '$1***').replace(/\/\/[^/@\s]*@/, '//***@');
}

/** The URL as safe to print: without an apikey query parameter or credentials. */
export function displayUrl(url: URL): string {
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  if (shown.searchParams.has('apikey')) shown.searchParams.set('apikey', '***');
  return shown.toString();
}

export class StashClient {
  readonly url: URL;
  readonly shownUrl: string;
  readonly stats: StashClientStats = { requests: 0, retries: 0, bytes: 0 };
  private readonly options: Required<Omit<StashClientOptions, 'apiKey'>> & { apiKey?: string };
  private readonly graphql: GraphQLClient;
  /** What no error message may repeat, whatever a library or the server put in it. */
  private readonly secrets: RegExp[];

  constructor(options: StashClientOptions) {
    this.url = normalizeStashUrl(options.url);
    this.shownUrl = displayUrl(this.url);
    // A pasted key often brings a line break or spaces along; inside, no key has them.
    const apiKey = options.apiKey?.trim() || undefined;
    if (apiKey && !HEADER_SAFE_KEY.test(apiKey)) {
      throw new StashAuthError('The API key has spaces, line breaks or other characters no key has: copy it again from Stash\'s Settings > Security');
    }
    this.options = { ...DEFAULTS, ...options, apiKey };
    this.secrets = [apiKey, this.url.searchParams.get('apikey')].filter((secret) => !!secret).map((secret) => secretPattern(secret!));
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
      throw this.redacted(this.translate(error, document));
    }
  }

  private redacted(error: Error): Error {
    error.message = this.scrub(error.message);
    return error;
  }

  private scrub(text: string): string {
    for (const secret of this.secrets) text = text.replace(secret, '***');
    return text;
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
          `${this.shownUrl} is a GraphQL server but not Stash (${error.graphqlMessages[0] ?? 'unknown query'})`,
        );
      }
      throw error;
    }
    if (!answer?.systemStatus || typeof answer.systemStatus.appSchema !== 'number') {
      throw new NotStashError(`${this.shownUrl} answered, but not like Stash: no systemStatus`);
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
      const messages = (error.response.errors ?? []).map((e) => this.scrub(e.message));
      if (messages.length > 0) {
        const operation = /query\s+(\w+)/.exec(document)?.[1] ?? 'query';
        return new StashQueryError(`Stash rejected ${operation}: ${messages.join('; ')}`, messages);
      }
      return new NotStashError(`${this.shownUrl} did not answer with GraphQL data (HTTP ${error.response.status})`);
    }
    if (error instanceof SyntaxError) {
      return new NotStashError(`${this.shownUrl} answered with invalid JSON: not a Stash GraphQL endpoint`);
    }
    return new StashError(`Talking to Stash at ${this.shownUrl} failed: ${describe(error)}`);
  }

  /** Transport policy under graphql-request: classifies HTTP answers, retries what can pass. */
  private async fetchWithPolicy(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const { retries, backoffMs, timeoutMs } = this.options;
    const callerSignal = init?.signal ?? undefined;
    for (let attempt = 0; ; attempt++) {
      callerSignal?.throwIfAborted();
      const signals = [AbortSignal.timeout(timeoutMs), ...(callerSignal ? [callerSignal] : [])];
      let response: Response;
      let body: Uint8Array<ArrayBuffer>;
      try {
        this.stats.requests++;
        response = await fetch(input, { ...init, signal: AbortSignal.any(signals) });
        // Read as bytes: a connection dropped mid-body is retried here, and the text is decoded
        // only once, by graphql-request.
        body = new Uint8Array(await response.arrayBuffer());
        this.stats.bytes += body.byteLength;
      } catch (error) {
        if (callerSignal?.aborted) throw callerSignal.reason;
        if (attempt < retries) {
          await this.backoff(attempt, callerSignal);
          continue;
        }
        throw new StashUnreachableError(`Cannot reach Stash at ${this.shownUrl}: ${describe(error)}`);
      }
      if (response.status >= 500) {
        if (attempt < retries) {
          await this.backoff(attempt, callerSignal);
          continue;
        }
        throw new StashServerError(
          `Stash at ${this.shownUrl} failed with HTTP ${response.status} after ${retries + 1} attempts: ${firstLine(body)}`,
        );
      }
      this.checkAnswer(response, body);
      return new Response(body, { status: response.status, headers: response.headers });
    }
  }

  private checkAnswer(response: Response, body: Uint8Array): void {
    const where = this.shownUrl;
    if (response.status === 401 || response.status === 403) {
      throw new StashAuthError(
        this.options.apiKey
          ? `Stash at ${where} refused the API key (HTTP ${response.status}): check the key in Stash's Settings > Security`
          : `Stash at ${where} requires an API key (HTTP ${response.status}): pass --api-key or set STASH_API_KEY`,
      );
    }
    if (response.status === 404) {
      throw new NotStashError(`${where} is not a Stash GraphQL endpoint (HTTP 404); expected e.g. http://localhost:9999/graphql`);
    }
    const type = response.headers.get('content-type') ?? '';
    const start = firstVisibleByte(body);
    if (/html/i.test(type) || start === '<') {
      throw new NotStashError(`${where} answered with an HTML page, not GraphQL JSON: not a Stash GraphQL endpoint`);
    }
    if (start !== '{') {
      throw new NotStashError(`${where} did not answer with JSON (HTTP ${response.status}): not a Stash GraphQL endpoint`);
    }
    if (response.status >= 400 && !new TextDecoder().decode(body.subarray(0, 4096)).includes('"errors"')) {
      throw new NotStashError(`${where} answered HTTP ${response.status}: ${firstLine(body)}`);
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
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }
}

/**
 * A secret where it stands alone, not inside a longer word: a short test key such as "k" must not
 * turn "key" into "***ey".
 */
function secretPattern(secret: string): RegExp {
  const escaped = secret.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(?<![\\w.~-])${escaped}(?![\\w.~-])`, 'g');
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

function firstLine(body: Uint8Array): string {
  const text = new TextDecoder().decode(body.subarray(0, 1024));
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}
