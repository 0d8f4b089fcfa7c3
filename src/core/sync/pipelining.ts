/**
 * The small pieces that let the sync overlap its requests with its writes without losing an error
 * or leaving work running after a sync has stopped.
 */

/** A request running ahead of its consumer: its failure surfaces where it is awaited, not as unhandled. */
export function inFlight<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** One turn of the event loop, so a just-started request is on the wire before synchronous writes. */
export function letRequestLeave(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs `work`; if it fails, first waits for what it left running alongside (`pending`: a write, an
 * index build) to end, so that nothing of a stopped sync goes on after it — after its runs are
 * recorded, its search refreshed, its lock released. The error passed on is `work`'s: `pending`'s
 * own failure is then the same fault seen twice or a consequence of it.
 */
export async function settledOnFailure<T>(work: () => Promise<T>, pending: () => Promise<unknown> | null): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await pending()?.catch(() => {});
    throw error;
  }
}
