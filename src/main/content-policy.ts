/** The Stash-origin checks main makes (the policy itself: src/shared/content-policy.ts). */

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
