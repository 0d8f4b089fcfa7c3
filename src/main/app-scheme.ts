/**
 * The desktop app's own origin, app://stash-mirror/, and which file of the built renderer each of
 * its URLs names. Pages on file:// share one origin with every file on the disk, so 'self' in the
 * Content-Security-Policy would allow them all; this origin holds the renderer folder only.
 * No Electron here (app-protocol.ts serves it), so tests can reach it.
 */
import { extname, isAbsolute, join, relative } from 'node:path';
import { badRequestTarget } from '../shared/request-target';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://stash-mirror`;
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;
/** `app://stash-mirror/stash-image/scene/1/screenshot` is Stash's picture, answered cache-first (app-pictures.ts). */
export const APP_STASH_IMAGE_PREFIX = '/stash-image';

/** What the renderer build holds; anything else is served as bytes that no browser runs. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export type AppFile = { file: string; contentType: string } | { status: 400 | 404; reason: string };

/** The file under `rendererDir` that `url` names, or why none is served. */
export function resolveAppFile(rendererDir: string, url: string): AppFile {
  if (!url.startsWith(`${APP_ORIGIN}/`)) return { status: 404, reason: `${url} is not on ${APP_ORIGIN}` };
  const target = url.slice(APP_ORIGIN.length).split('#')[0]!;
  const refused = badRequestTarget(target);
  if (refused) return { status: 400, reason: refused };
  const path = decodeURIComponent(target.split('?')[0]!);
  const file = join(rendererDir, path === '/' ? 'index.html' : path);
  // Belt and braces after the target check: the joined path must still be inside the folder.
  const inside = relative(rendererDir, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return { status: 400, reason: 'The address climbs out of its folder' };
  return { file, contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' };
}

/** The app's page, whatever its query or fragment (the interface routes by fragment). */
export function isAppPageUrl(url: string): boolean {
  const page = url.split(/[?#]/)[0];
  return page === APP_PAGE_URL || page === `${APP_ORIGIN}/`;
}
