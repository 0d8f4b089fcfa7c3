/**
 * Where the renderer's content may come from: the page's Content-Security-Policy, and the Stash
 * origin main lets pages open and sends the API key to.
 */
import { httpOrigin } from './http-url';

/**
 * The renderer's Content-Security-Policy, sent as a response header by whichever host serves it:
 * the page loads its own scripts and styles and talks to its host only. Images and videos come from
 * the page's own origin, and from `stashOrigin` where the page loads Stash's media directly: the
 * desktop app, whose main process adds the API key to those requests. The headless host passes
 * null, because it serves Stash's pictures from its own origin (src/server/stash-images.ts).
 */
export function contentSecurityPolicy(stashOrigin: string | null): string {
  return policy(stashOrigin ? ` ${stashOrigin}` : '', true);
}

/**
 * The same policy as src/renderer/index.html carries it in its meta tag (a test keeps the two
 * equal), for a page opened without the header. A built page cannot know the Stash origin, so
 * media may come from any http(s) origin there; the header, which every host sends, narrows that
 * to Stash's. frame-ancestors works only as a header, so the meta copy leaves it out.
 */
export const META_CONTENT_SECURITY_POLICY = policy(' http: https:', false);

function policy(stashSources: string, asHeader: boolean): string {
  return [
    "default-src 'self'",
    `img-src 'self' data:${stashSources}`,
    `media-src 'self'${stashSources}`,
    "connect-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    ...(asHeader ? ["frame-ancestors 'none'"] : []),
  ].join('; ');
}

/** Whether the URL is an http(s) URL on `origin` (null: no Stash is set, so nothing is). */
export function isOnOrigin(url: string, origin: string | null): boolean {
  return origin !== null && httpOrigin(url) === origin;
}
