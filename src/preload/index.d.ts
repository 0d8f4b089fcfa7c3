import type { StashMirrorApi } from '../shared/contract';

export type { StashMirrorApi };

declare global {
  interface Window {
    /** The contract's API, exposed by the preload (Electron) or provided by the headless host's client. */
    stashMirror: StashMirrorApi;
  }
}
