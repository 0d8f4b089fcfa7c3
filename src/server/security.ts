/**
 * Who may talk to the headless host. On loopback without a token, only pages the host served
 * itself: the Host header must name this host (a DNS-rebinding page names its own domain) and a
 * browser's Origin must be this host (another site's page posting to 127.0.0.1 is refused). With a
 * token, every API request must carry it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The name part of a Host header: "127.0.0.1:4174" → "127.0.0.1", "[::1]:4174" → "::1". */
function hostName(header: string): string {
  const bracketed = /^\[([^\]]+)\](:\d+)?$/.exec(header);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return header.replace(/:\d+$/, '').toLowerCase();
}

/** The DNS-rebinding guard for a host without a token. */
export function hostHeaderAllowed(req: IncomingMessage, boundHost: string): boolean {
  const header = req.headers.host;
  if (!header) return false;
  const name = hostName(header);
  return name === boundHost.toLowerCase() || name === 'localhost' || name === '127.0.0.1' || name === '::1';
}

/** Browsers send Origin on cross-site requests: it must be this very host, whatever the token. */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    // An Origin that does not parse names no site of ours: refused, which is the answer the client sees.
    return false;
  }
}

/** `Authorization: Bearer <token>`, or `?token=` for EventSource, which cannot set headers. */
export function tokenPresented(req: IncomingMessage, url: URL, token: string): boolean {
  const header = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  const presented = header ?? url.searchParams.get('token');
  return presented !== null && presented !== undefined && sameSecret(presented, token);
}

/** Equal-length digests compared in constant time: neither content nor length leaks through timing. */
function sameSecret(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Sec-Fetch-Site of a request a page on another origin made. The interface is served by this very
 * host, so its own calls say same-origin (or none when typed); a sibling subdomain (same-site) is
 * as foreign as any other site. Browsers send it on <img> and EventSource too, where Origin is absent.
 */
const FOREIGN_FETCH_SITES = new Set(['cross-site', 'same-site']);

export function fetchSiteAllowed(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  return typeof site !== 'string' || !FOREIGN_FETCH_SITES.has(site.toLowerCase());
}

export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  // Nothing this host serves (pictures, events, API answers) is for another site's page to embed.
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
} as const;
