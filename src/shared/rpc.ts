/**
 * Method calls and pushed events between two processes (or threads) over any channel that carries
 * structured-clone messages: an Electron utility process and its parent, a Node child process, a
 * worker thread. Both ends are the same kind of peer: each may serve methods, call the other's
 * methods and emit events. Calls are typed by an interface: the caller holds `peer.remote`, an
 * object with the interface's methods, and the serving end a handler per method. Errors keep
 * their class when it is in the error registry given to both ends; a peer that goes away rejects
 * every call still waiting for it, so nothing hangs on a dead process.
 */

/** The transport: adapters for each kind of channel are in rpc-channels.ts. */
export interface RpcChannel {
  send(message: unknown): void;
  /** Returns the function that stops listening. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** Called once when the other end is gone for good, with a reason a person can read. */
  onClose?(listener: (reason: string) => void): void;
}

/** An error as it crosses: its class by name, its message and stack, and its plain own fields (e.g. `kind`). */
interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

type CallMessage = { rpc: 'call'; id: number; method: string; args: unknown[] };
type ResultMessage = { rpc: 'result'; id: number; value: unknown };
type ErrorMessage = { rpc: 'error'; id: number; error: SerializedError };
type EventMessage = { rpc: 'event'; event: string; payload: unknown };
type RpcMessage = CallMessage | ResultMessage | ErrorMessage | EventMessage;

/** Every call to a peer that has gone away, pending or later, rejects with this. */
export class RpcPeerClosedError extends Error {
  override name = 'RpcPeerClosedError';
}

type Method = (...args: never[]) => unknown;
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;
type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;
/** The names of an interface's methods (its other members do not cross). */
export type RpcMethodName<T> = { [K in keyof T]: T[K] extends Method ? K : never }[keyof T] & string;

/**
 * What the calling end holds: each method of the interface, answered by the other end. (Mapped
 * over `keyof T`, so each method keeps its link to the interface for go-to-definition.)
 */
export type RpcRemote<T> = { readonly [K in keyof T as K extends RpcMethodName<T> ? K : never]: (...args: ArgsOf<T[K]>) => Promise<ResultOf<T[K]>> };

/**
 * The serving end's handlers, one per method of the interface: declare them with
 * `satisfies RpcHandlers<X>`, so a method missing from either side fails to compile.
 */
export type RpcHandlers<T> = {
  [K in keyof T as K extends RpcMethodName<T> ? K : never]: (...args: ArgsOf<T[K]>) => ResultOf<T[K]> | Promise<ResultOf<T[K]>>;
};

/**
 * The calling end's list of the interface's methods, which `peer.remote` is built from: declare it
 * with `satisfies RpcMethodList<X>`, so it names every method of X and nothing else.
 */
export type RpcMethodList<T> = { readonly [K in keyof T as K extends RpcMethodName<T> ? K : never]: true };

/** Error classes by the name their instances carry; both ends of a channel use the same one. */
export type RpcErrorRegistry = Readonly<Record<string, abstract new (...args: never[]) => Error>>;

/** The built-in classes every peer revives, whatever registry it is given. */
const BUILT_IN_ERRORS: RpcErrorRegistry = { Error, TypeError, RangeError, SyntaxError, ReferenceError, RpcPeerClosedError };

export interface RpcPeerOptions<Calls> {
  /** The methods this end serves, declared with `satisfies RpcHandlers<...>`. */
  serve?: Readonly<Record<string, Method>>;
  /** The other end's methods this end calls: `remote` has these. */
  calls?: RpcMethodList<Calls>;
  /** Errors that keep their class when a handler throws them (see src/core/error-registry.ts). */
  errors?: RpcErrorRegistry;
}

/** Calls: the methods the other end serves. Events: the events either end may emit. */
export interface RpcPeer<Calls, Events> {
  readonly remote: RpcRemote<Calls>;
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

function isPlainValue(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(isPlainValue);
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  // Only plain values travel: a field holding a socket or a function would fail the whole message.
  const fields = Object.fromEntries(Object.entries(error).filter(([, value]) => isPlainValue(value)));
  return { name: error.name, message: error.message, stack: error.stack, fields };
}

/** The error again, of its registered class (without running its constructor, whose arguments vary). */
function reviveError({ name, message, stack, fields }: SerializedError, registry: RpcErrorRegistry): Error {
  const ErrorClass = Object.hasOwn(registry, name) ? registry[name]! : Error;
  const error = Object.create(ErrorClass.prototype) as Error;
  Object.defineProperty(error, 'message', { value: message, writable: true, configurable: true });
  Object.assign(error, fields);
  if (error.name !== name) error.name = name;
  if (stack) Object.defineProperty(error, 'stack', { value: stack, writable: true, configurable: true });
  else Error.captureStackTrace(error);
  return error;
}

export function createRpcPeer<Calls = Record<never, never>, Events = Record<never, never>>(
  channel: RpcChannel,
  { serve = {}, calls, errors = {} }: RpcPeerOptions<Calls> = {},
): RpcPeer<Calls, Events> {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  const closeListeners: ((reason: string) => void)[] = [];
  const registry = { ...BUILT_IN_ERRORS, ...errors };
  let nextId = 1;
  let closedReason: string | null = null;

  const send = (message: RpcMessage): void => {
    if (closedReason === null) channel.send(message);
  };

  const answer = async ({ id, method, args }: CallMessage): Promise<void> => {
    try {
      const handler = Object.hasOwn(serve, method) ? serve[method] : undefined;
      if (!handler) throw new Error(`Unknown method ${method}`);
      send({ rpc: 'result', id, value: await handler(...(args as never[])) });
    } catch (error) {
      send({ rpc: 'error', id, error: serializeError(error) });
    }
  };

  const stopListening = channel.onMessage((message) => {
    if (!isRpcMessage(message) || closedReason !== null) return;
    switch (message.rpc) {
      case 'call':
        void answer(message);
        return;
      case 'event':
        for (const listener of eventListeners.get(message.event) ?? []) listener(message.payload);
        return;
      case 'result':
      case 'error': {
        const call = pending.get(message.id);
        pending.delete(message.id);
        if (message.rpc === 'result') call?.resolve(message.value);
        else call?.reject(reviveError(message.error, registry));
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

  const request = (method: string, args: unknown[]): Promise<unknown> => {
    if (closedReason !== null) return Promise.reject(new RpcPeerClosedError(closedReason));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      try {
        send({ rpc: 'call', id, method, args });
      } catch (error) {
        pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  };
  const remote = Object.fromEntries(Object.keys(calls ?? {}).map((method) => [method, (...args: unknown[]) => request(method, args)]));

  return {
    // Built from the list the caller declared against Calls, so it has exactly Calls' methods.
    remote: remote as unknown as RpcRemote<Calls>,
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
