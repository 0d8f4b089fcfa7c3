/**
 * The renderer's Content-Security-Policy, the same whichever host serves it (Electron sends it as a
 * response header, the headless host too): the page loads its own scripts and styles and talks to
 * its host only; images and videos may also come from the configured Stash server (marker
 * screenshots and previews are Stash's), and from nowhere else.
 */
export function contentSecurityPolicy(stashOrigin: string | null): string {
  const stash = stashOrigin ? ` ${stashOrigin}` : '';
  return [
    "default-src 'self'",
    `img-src 'self' data:${stash}`,
    `media-src 'self'${stash}`,
    "connect-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
