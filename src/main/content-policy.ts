/** The renderer's Content-Security-Policy and the Stash-origin checks main makes. */

/** The origin of an http(s) URL, or null for anything else. */
export function httpOrigin(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

export function isOnOrigin(url: string, origin: string | null): boolean {
  return origin !== null && httpOrigin(url) === origin;
}

/**
 * Only the app's own files run and connect; images may also come from the configured Stash
 * server (marker screenshots), and from nowhere else.
 */
export function contentSecurityPolicy(stashOrigin: string | null): string {
  return [
    "default-src 'self'",
    `img-src 'self' data:${stashOrigin ? ` ${stashOrigin}` : ''}`,
    "connect-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
