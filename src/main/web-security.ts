/**
 * The renderer's sandbox as main enforces it: no navigation, popups or permissions; a strict
 * Content-Security-Policy; and the Stash API key added to the renderer's requests to the Stash
 * server (marker screenshots) here, so the key never reaches the renderer.
 */
import { app, type Session } from 'electron';
import type { StoredSettings } from '../core/service/settings';
import { contentSecurityPolicy, isOnOrigin } from '../shared/content-policy';
import { httpOrigin } from '../shared/http-url';

export interface WebPolicy {
  /** Follows the settings: the Stash origin the images may come from, the key they are sent with. */
  update(settings: Pick<StoredSettings, 'stashUrl' | 'apiKey'>): void;
  stashOrigin(): string | null;
  /** The policy now in force, for responses this process makes itself (app-protocol.ts). */
  policy(): string;
}

export function installWebSecurity(session: Session): WebPolicy {
  let stashOrigin: string | null = null;
  let apiKey: string | null = null;
  let policy = contentSecurityPolicy(null);

  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);

  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    // Replace, never add to, a policy a response brings (header names are case-insensitive).
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [policy] } });
  });

  session.webRequest.onBeforeSendHeaders((details, callback) => {
    if (apiKey && isOnOrigin(details.url, stashOrigin)) {
      callback({ requestHeaders: { ...details.requestHeaders, ApiKey: apiKey } });
    } else {
      callback({});
    }
  });

  return {
    update(settings) {
      stashOrigin = httpOrigin(settings.stashUrl);
      apiKey = settings.apiKey;
      policy = contentSecurityPolicy(stashOrigin);
    },
    stashOrigin: () => stashOrigin,
    policy: () => policy,
  };
}

/** Every web contents shows only the app's own page: other navigations and popups are refused. */
export function blockNavigation(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      // The same URL is a reload (e.g. the dev server's full reload).
      if (url !== contents.getURL()) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
