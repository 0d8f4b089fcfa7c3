/**
 * Method calls and pushed events between two processes (or threads) over any channel that carries
 * structured-clone messages: an Electron utility process and its parent, a Node child process, a
 * MessagePort. Both ends are the same kind of peer: each may serve methods, call the other's
 * methods and emit events. Errors cross as name and message; a peer that goes away rejects every
 * call still waiting for it, so nothing hangs on a dead process.
 */

/** The transport: adapters for each kind of channel are in rpc-channels.ts. */
export interface RpcChannel {
  send(message: unknown): void;
  /** Returns the function that stops listening. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** Called once when the other end is gone for good, with a reason a person can read. */
  onClose?(listener: (reason: string) => void): void;
}

type CallMessage = { rpc: 'call'; id: number; method: string; arg: unknown };
type ResultMessage = { rpc: 'result'; id: number; value: unknown };
type ErrorMessage = { rpc: 'error'; id: number; error: { name: string; message: string } };
type EventMessage = { rpc: 'event'; event: string; payload: unknown };
type RpcMessage = CallMessage | ResultMessage | ErrorMessage | EventMessage;

/** Every call to a peer that has gone away, pending or later, rejects with this. */
export class RpcPeerClosedError extends Error {
  override name = 'RpcPeerClosedError';
}

/** A method's argument list and resolved result, for the typed `call`. */
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;
type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;
type MethodKeys<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T] & string;

/** Handlers for the methods this end serves; each takes at most one argument. */
export type RpcHandlers = { [method: string]: (arg: never) => unknown };

/** Remote: the methods the other end serves. Events: the events either end may emit. */
export interface RpcPeer<Remote, Events> {
  call<M extends MethodKeys<Remote>>(method: M, ...args: ArgsOf<Remote[M]>): Promise<ResultOf<Remote[M]>>;
  emit<E extends keyof Events & string>(event: E, payload: Events[E]): void;
  on<E extends keyof Events & string>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Called once, when the peer closes (the channel reported it, or close() was called). */
  onClose(listener: (reason: string) => void): void;
  /** Stops listening and rejects every pending and later call with the reason. */
  close(reason: string): void;
  readonly closed: boolean;
}

function isRpcMessage(message: unknown): message is RpcMessage {
  return typeof message === 'object' && message !== null && typeof (message as { rpc?: unknown }).rpc === 'string';
}

function serializeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

function reviveError({ name, message }: { name: string; message: string }): Error {
  const error = name === 'RpcPeerClosedError' ? new RpcPeerClosedError(message) : new Error(message);
  if (error.name !== name) error.name = name;
  return error;
}

export function createRpcPeer<Remote = Record<never, never>, Events = Record<never, never>>(
  channel: RpcChannel,
  handlers: RpcHandlers = {},
): RpcPeer<Remote, Events> {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  const closeListeners: ((reason: string) => void)[] = [];
  let nextId = 1;
  let closedReason: string | null = null;

  const send = (message: RpcMessage): void => {
    if (closedReason === null) channel.send(message);
  };

  const serve = async ({ id, method, arg }: CallMessage): Promise<void> => {
    try {
      const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
      if (!handler) throw new Error(`Unknown method ${method}`);
      send({ rpc: 'result', id, value: await handler(arg as never) });
    } catch (error) {
      send({ rpc: 'error', id, error: serializeError(error) });
    }
  };

  const stopListening = channel.onMessage((message) => {
    if (!isRpcMessage(message) || closedReason !== null) return;
    switch (message.rpc) {
      case 'call':
        void serve(message);
        return;
      case 'event':
        for (const listener of eventListeners.get(message.event) ?? []) listener(message.payload);
        return;
      case 'result':
      case 'error': {
        const call = pending.get(message.id);
        pending.delete(message.id);
        if (message.rpc === 'result') call?.resolve(message.value);
        else call?.reject(reviveError(message.error));
      }
    }
  });

  const close = (reason: string): void => {
    if (closedReason !== null) return;
    closedReason = reason;
    stopListening();
    for (const call of pending.values()) call.reject(new RpcPeerClosedError(reason));
    pending.clear();
    for (const listener of closeListeners) listener(reason);
  };
  channel.onClose?.(close);

  return {
    call(method, ...args) {
      if (closedReason !== null) return Promise.reject(new RpcPeerClosedError(closedReason));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        try {
          send({ rpc: 'call', id, method, arg: args[0] });
        } catch (error) {
          pending.delete(id);
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    },
    emit(event, payload) {
      send({ rpc: 'event', event, payload });
    },
    on(event, listener) {
      const listeners = eventListeners.get(event) ?? new Set();
      eventListeners.set(event, listeners);
      const untyped = listener as (payload: unknown) => void;
      listeners.add(untyped);
      return () => listeners.delete(untyped);
    },
    onClose(listener) {
      if (closedReason !== null) listener(closedReason);
      else closeListeners.push(listener);
    },
    close,
    get closed() {
      return closedReason !== null;
    },
  };
}
