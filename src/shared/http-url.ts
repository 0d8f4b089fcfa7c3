/** The one check of "an http(s) address", for the settings, the command line, the client and main's origin checks. */

/** http:// or https:// and the start of a host: what the settings and `--stash-url` accept as typed. */
const HTTP_ADDRESS = /^https?:\/\/[^\s/]+/i;

export function isHttpAddress(text: string): boolean {
  return HTTP_ADDRESS.test(text);
}

export function isHttpProtocol(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

/** The origin of an http(s) URL, or null for anything else (another scheme, no URL at all). */
export function httpOrigin(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return isHttpProtocol(parsed) ? parsed.origin : null;
  } catch {
    return null;
  }
}
