/**
 * The renderer's Content-Security-Policy, sent as a response header by whichever host serves it:
 * the page loads its own scripts and styles and talks to its host only. Images and videos come from
 * the page's own origin, and from `stashOrigin` where the page loads Stash's media directly: the
 * desktop app, whose main process adds the API key to those requests. The headless host passes
 * null, because it serves Stash's pictures from its own origin (src/server/stash-images.ts).
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
