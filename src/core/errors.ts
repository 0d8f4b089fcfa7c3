/**
 * What kind of failure an error is, so the interface and the service decide by a field, never by
 * reading the message (whose wording is for people, and may change). Each error class of the app
 * carries its kind; errors of other origins count as 'other'.
 */
export const ERROR_KINDS = [
  /** Stash refused the API key, or wants one. */
  'auth',
  /** No answer from Stash: refused connection, unknown host, timeout. */
  'unreachable',
  /** The address answers, but not as Stash. */
  'not-stash',
  /** The sync refused to apply what it found (e.g. most of an entity vanished at once). */
  'refused',
  /** The mirror database is not one this version can use (another program's, newer, read-only). */
  'schema',
  /** The user or the app stopped it. */
  'cancelled',
  /** Another sync holds the mirror. */
  'busy',
  /** The PostgreSQL server cannot be reached or refuses us. */
  'database',
  /** No Stash server is set. */
  'not-configured',
  /** Anything else: the message says what. */
  'other',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

/** The kind an error carries, or 'other'. Works on errors revived from another process as well. */
export function errorKindOf(error: unknown): ErrorKind {
  const kind = typeof error === 'object' && error !== null ? (error as { kind?: unknown }).kind : undefined;
  return isErrorKind(kind) ? kind : 'other';
}

export function isErrorKind(value: unknown): value is ErrorKind {
  return (ERROR_KINDS as readonly unknown[]).includes(value);
}

/** The reason a sync's abort signal carries when the user (or the app closing) cancels it. */
export class SyncCancelledError extends Error {
  override name = 'SyncCancelledError';
  readonly kind = 'cancelled';
  constructor() {
    super('Sync cancelled');
  }
}

/** The sync stopped rather than apply something that looks like a mistake (see the message). */
export class SyncRefusedError extends Error {
  override name = 'SyncRefusedError';
  readonly kind = 'refused';
}
