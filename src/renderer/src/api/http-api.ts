import { HTTP_ROUTES, METHOD_NAMES, type MethodName, type StashMirrorApi, type StashMirrorMethods } from '../../../shared/contract';
import { EventStream, parseJson } from './event-stream';
import { withToken } from './token';

/**
 * The contract over the headless host's HTTP routes, for a browser with no Electron preload:
 * `POST /api/rpc/<method>` with the argument as JSON, events from one server-sent event stream.
 */
export function createHttpApi(token: string | null): StashMirrorApi {
  const call = async (method: MethodName, argument: unknown): Promise<unknown> => {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    const init: RequestInit = { method: 'POST', headers };
    if (argument !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(argument);
    }
    let response: Response;
    try {
      response = await fetch(HTTP_ROUTES.rpc(method), init);
    } catch {
      // fetch says no more than "failed to fetch"; this says it in the app's words.
      throw new Error('The Stash Mirror service cannot be reached.');
    }
    const payload = parseJson(await response.text());
    if (!response.ok) throw new Error(errorMessage(payload) ?? `${method} failed (HTTP ${response.status}).`);
    return payload;
  };

  const methods = Object.fromEntries(
    METHOD_NAMES.map((method) => [method, (argument?: unknown) => call(method, argument)]),
  ) as unknown as StashMirrorMethods;

  const events = new EventStream(withToken(HTTP_ROUTES.events, token));

  return {
    ...methods,
    // A browser tab opens links itself; the host has no window to open them in.
    openExternal: async ({ url }) => {
      window.open(url, '_blank', 'noopener,noreferrer');
    },
    on: (event, listener) => events.on(event, listener),
  };
}

function errorMessage(payload: unknown): string | null {
  if (payload && typeof payload === 'object' && 'error' in payload && typeof payload.error === 'string') {
    return payload.error;
  }
  return null;
}
