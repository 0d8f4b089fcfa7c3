/** Database URLs as they may be shown: in a log line, an error, the settings page. */

/**
 * The URL with its password masked. One that does not parse is replaced whole by the fallback:
 * where it would hold a password cannot be told.
 */
export function withoutPassword(url: string, fallback = 'the PostgreSQL database'): string {
  try {
    const shown = new URL(url);
    if (shown.password) shown.password = '***';
    return shown.toString();
  } catch {
    return fallback;
  }
}
