/** A request the host refuses or cannot serve: answered with this status and a one-line JSON error. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
