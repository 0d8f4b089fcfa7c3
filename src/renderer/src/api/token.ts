const TOKEN_KEY = 'stash-mirror.host-token';

/**
 * The headless host's access token. It arrives once in the page URL (`?token=…`), is kept for this
 * tab only, and is taken out of the address bar so it does not end up in bookmarks or history.
 */
export function takeHostToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** A host address with the token as `?token=…`, for requests that cannot send a header (the event stream, images). */
export function withToken(path: string, token: string | null): string {
  return token ? `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : path;
}
