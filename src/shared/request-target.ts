/** Request targets no host of the app serves: the headless host's and the desktop app's app:// scheme. */

/**
 * Why a request target cannot be served, or null when it can: a percent-escape that decodes to no
 * text, or a path that climbs (`..`, also written `%2e%2e` or `..%2f`) or names a backslash or NUL,
 * which some file systems and proxies read as separators. Checked on the raw target, before any
 * router or the static files see it.
 */
export function badRequestTarget(rawTarget: string): string | null {
  if (!rawTarget.startsWith('/')) return 'The request target must be a path';
  const queryAt = rawTarget.indexOf('?');
  const rawPath = queryAt < 0 ? rawTarget : rawTarget.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? '' : rawTarget.slice(queryAt + 1);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
    decodeURIComponent(rawQuery.replace(/\+/g, ' '));
  } catch {
    return 'The address has a malformed percent-escape';
  }
  if (/[\\\0]/.test(path)) return 'The address names a backslash or NUL';
  if (path.split('/').some((segment) => segment === '..' || segment === '.')) return 'The address climbs out of its folder';
  return null;
}
