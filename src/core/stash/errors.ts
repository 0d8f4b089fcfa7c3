/**
 * Every way talking to Stash can fail, each with a one-line reason a user can act on and a kind
 * the app decides by. Messages name the server by URL (never the API key).
 */
import type { ErrorKind } from '../errors';

export class StashError extends Error {
  override name = 'StashError';
  readonly kind: ErrorKind = 'other';
}

/** The key was refused (HTTP 401/403), or Stash wants one and none was given. */
export class StashAuthError extends StashError {
  override name = 'StashAuthError';
  override readonly kind = 'auth';
  /**
   * `problem` is what went wrong, `advice` what a command-line user should do about it: another
   * host (the app's Settings) gives its own advice after `problem`.
   */
  constructor(
    readonly problem: string,
    advice?: string,
  ) {
    super(advice ? `${problem}: ${advice}` : problem);
  }
}

/** The URL answers, but it is not a Stash GraphQL endpoint (HTML, 404, not JSON, not Stash). */
export class NotStashError extends StashError {
  override name = 'NotStashError';
  override readonly kind = 'not-stash';
}

/** No answer at all: refused connection, unknown host, timeouts, dropped connections. */
export class StashUnreachableError extends StashError {
  override name = 'StashUnreachableError';
  override readonly kind = 'unreachable';
}

/** Stash answered with HTTP 5xx after every retry. */
export class StashServerError extends StashError {
  override name = 'StashServerError';
}

/** Stash executed the query and reported GraphQL errors. */
export class StashQueryError extends StashError {
  override name = 'StashQueryError';
  constructor(
    message: string,
    readonly graphqlMessages: readonly string[],
  ) {
    super(message);
  }
}

/** The response parsed, but its data does not have the shape the schema promises. */
export class MalformedResponseError extends StashError {
  override name = 'MalformedResponseError';
}

/** The response grew past the client's size cap; the request was aborted. */
export class ResponseTooLargeError extends StashError {
  override name = 'ResponseTooLargeError';
}
