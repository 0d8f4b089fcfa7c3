export interface StashMirrorApi {
  /** The app's version, from package.json. */
  readonly version: string;
}

declare global {
  interface Window {
    stashMirror: StashMirrorApi;
  }
}
