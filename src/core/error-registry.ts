/**
 * Every error class that keeps its class across the app's boundaries: the SQLite worker thread
 * and the mirror's utility process (or child process). Both ends of each boundary pass this
 * registry to createRpcPeer, so `instanceof` works on an error thrown on the other side.
 * An error class that may cross a boundary is added here, under the name its instances carry;
 * RpcPeerClosedError and JavaScript's own classes every peer revives by itself (src/shared/rpc.ts).
 */
import { MirrorConnectionError, MirrorSchemaError, SyncAlreadyRunningError } from './db/store';
import { SyncCancelledError, SyncRefusedError } from './errors';
import {
  MalformedResponseError,
  NotStashError,
  ResponseTooLargeError,
  StashAuthError,
  StashError,
  StashQueryError,
  StashServerError,
  StashUnreachableError,
} from './stash/errors';
import type { RpcErrorRegistry } from '../shared/rpc';

export const MIRROR_ERRORS = {
  MirrorSchemaError,
  MirrorConnectionError,
  SyncAlreadyRunningError,
  SyncCancelledError,
  SyncRefusedError,
  StashError,
  StashAuthError,
  NotStashError,
  StashUnreachableError,
  StashServerError,
  StashQueryError,
  MalformedResponseError,
  ResponseTooLargeError,
} as const satisfies RpcErrorRegistry;
