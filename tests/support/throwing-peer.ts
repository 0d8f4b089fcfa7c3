/**
 * A peer that throws any registered error on request, run as a worker thread or as a child
 * process: the far side of the boundaries the app's errors cross.
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import { MIRROR_ERRORS } from '../../src/core/error-registry';
import { createRpcPeer, type RpcHandlers } from '../../src/shared/rpc';
import { messagePortChannel, parentProcessChannel } from '../../src/shared/rpc-channels';

export type ErrorName = keyof typeof MIRROR_ERRORS;

export interface ThrowingPeer {
  /** Throws `new MIRROR_ERRORS[name](...args)`. */
  throwError(name: ErrorName, args: unknown[]): Promise<never>;
}

export const THROWING_PEER = { throwError: true } as const;

const handlers = {
  throwError: (name, args) => {
    const ErrorClass = MIRROR_ERRORS[name] as unknown as new (...args: unknown[]) => Error;
    throw new ErrorClass(...args);
  },
} satisfies RpcHandlers<ThrowingPeer>;

const peer = createRpcPeer(isMainThread ? parentProcessChannel() : messagePortChannel(parentPort!), { serve: handlers, errors: MIRROR_ERRORS });
if (isMainThread) peer.onClose(() => process.exit(0));
