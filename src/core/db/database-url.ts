/** Database URLs as they may be shown: in a log line, an error, the settings page. */
import { redactUrl } from '../secrets';

/** libpq also takes the password as a query parameter; its name is matched in any case. */
const PASSWORD_PARAMETER = /^password$/i;

/**
 * The URL with its password masked, in the user-info part and in any `?password=`. One that does
 * not parse is replaced whole by the fallback: where it would hold a password cannot be told.
 */
export function withoutPassword(url: string, fallback = 'the PostgreSQL database'): string {
  try {
    return redactUrl(new URL(url), PASSWORD_PARAMETER).toString();
  } catch {
    return fallback;
  }
}

/** Every password the URL holds, decoded; an unparseable URL holds none that can be told. */
export function passwordsOf(url: string): string[] {
  try {
    const parsed = new URL(url);
    const found = parsed.password ? [decodeURIComponent(parsed.password)] : [];
    for (const name of passwordParameters(parsed)) found.push(...parsed.searchParams.getAll(name));
    return found.filter((password) => password !== '');
  } catch {
    return [];
  }
}

/** Whether the URL holds a password; an unparseable one is assumed to. */
export function hasPassword(url: string): boolean {
  try {
    new URL(url);
  } catch {
    return true;
  }
  return passwordsOf(url).length > 0;
}

function passwordParameters(url: URL): string[] {
  return [...new Set([...url.searchParams.keys()].filter((name) => PASSWORD_PARAMETER.test(name)))];
}
