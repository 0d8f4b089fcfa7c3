/** Serves the built renderer on app://stash-mirror/ (app-scheme.ts), with the policy as a header. */
import { readFile } from 'node:fs/promises';
import { protocol, type Session } from 'electron';
import type { StoredSettings } from '../core/service/settings';
import type { PictureLookup } from '../server/stash-picture';
import { answerAppPicture, isAppPictureUrl } from './app-pictures';
import { APP_SCHEME, resolveAppFile } from './app-scheme';

export interface AppPictureSources {
  /** The picture cache, read in the mirror process; null when Settings turned it off. */
  lookup: PictureLookup;
  settings: () => Promise<Pick<StoredSettings, 'stashUrl' | 'apiKey'>>;
}

/**
 * Before the app is ready. Standard gives the scheme an origin ('self', relative URLs) and
 * fetch; not secure, because a secure page would upgrade or block http:// Stash pictures as mixed
 * content, and the Stash server is often plain http on the local network.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, supportFetchAPI: true } }]);
}

export function serveAppFiles(session: Session, rendererDir: string, currentPolicy: () => string, pictures: AppPictureSources): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    if (isAppPictureUrl(request.url)) return answerAppPicture(request, pictures.lookup, pictures.settings);
    const resolved = resolveAppFile(rendererDir, request.url);
    if ('status' in resolved) return new Response(resolved.reason, { status: resolved.status });
    let body: Buffer;
    try {
      body = await readFile(resolved.file);
    } catch {
      // The path was already checked to lie inside the renderer folder: a file missing there is simply not found.
      return new Response('Not found', { status: 404 });
    }
    return new Response(new Uint8Array(body), {
      headers: {
        'Content-Type': resolved.contentType,
        'Content-Security-Policy': currentPolicy(),
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
}
