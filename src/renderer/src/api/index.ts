import type { StashMirrorApi } from '../../../shared/contract';
import { createHttpApi } from './http-api';
import { takeHostToken } from './token';

/** The Electron preload's bridge when there is one, else the headless host over HTTP. */
function chooseApi(): StashMirrorApi {
  // Read loosely: the page may also run in a plain browser, where the preload never ran.
  const bridge = (window as unknown as { stashMirror?: Partial<StashMirrorApi> }).stashMirror;
  if (bridge && typeof bridge.searchMarkers === 'function') return bridge as StashMirrorApi;
  return createHttpApi(takeHostToken());
}

export const api: StashMirrorApi = chooseApi();

/** A rejected call's message, for a one-line error. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
