/**
 * Every way talking to Stash can fail, each with a one-line reason a user can act on.
 * Messages name the server by URL (never the API key).
 */
export class StashError extends Error {
  override name = 'StashError';
}

/** The key was refused (HTTP 401/403), or Stash wants one and none was given. */
export class StashAuthError extends StashError {
  override name = 'StashAuthError';
}

/** The URL answers, but it is not a Stash GraphQL endpoint (HTML, 404, not JSON, not Stash). */
export class NotStashError extends StashError {
  override name = 'NotStashError';
}

/** No answer at all: refused connection, unknown host, timeouts, dropped connections. */
export class StashUnreachableError extends StashError {
  override name = 'StashUnreachableError';
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
