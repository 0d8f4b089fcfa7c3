/**
 * RpcChannel adapters for the message channels the app uses. The Electron ones are typed by shape
 * only, so this module (and the tests and benchmark that use the others) never loads Electron.
 */
import type { ChildProcess } from 'node:child_process';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { RpcChannel } from './rpc';

type Listener<T> = (value: T) => void;

/** What a process's end reads as its peer's fate, e.g. "exited with code 1". */
export function describeExit(code: number | null, signal: NodeJS.Signals | null = null): string {
  return signal ? `was stopped by ${signal}` : `exited with code ${code ?? 'unknown'}`;
}

/** A worker_threads MessagePort (tests: both ends of a MessageChannel in one process). */
export function messagePortChannel(port: MessagePort): RpcChannel {
  return {
    send: (message) => port.postMessage(message),
    onMessage(listener: Listener<unknown>) {
      port.on('message', listener);
      return () => port.off('message', listener);
    },
    onClose: (listener) => port.once('close', () => listener('its message port closed')),
  };
}

/**
 * The parent's end of a worker thread (the thread's end is its parentPort, a MessagePort). A thread
 * that throws emits 'error' before 'exit': either ends the peer, so pending calls reject at once.
 */
export function workerChannel(worker: Worker): RpcChannel {
  return {
    send: (message) => worker.postMessage(message),
    onMessage(listener: Listener<unknown>) {
      worker.on('message', listener);
      return () => worker.off('message', listener);
    },
    onClose(listener) {
      worker.once('error', (error) => listener(`the worker thread failed: ${error.message}`));
      worker.once('exit', (code) => listener(`the worker thread ${describeExit(code)}`));
    },
  };
}

/** The parent's end of a Node child process forked with an IPC channel. */
export function childProcessChannel(child: ChildProcess): RpcChannel {
  return {
    // Without a callback a failed send would be an 'error' event; the 'exit' below reports it instead.
    send: (message) => void child.send(message as object, () => {}),
    onMessage(listener: Listener<unknown>) {
      child.on('message', listener);
      return () => child.off('message', listener);
    },
    onClose: (listener) => child.once('exit', (code, signal) => listener(`the process ${describeExit(code, signal)}`)),
  };
}

/** A forked Node process's end of its IPC channel to its parent. */
export function parentProcessChannel(proc: NodeJS.Process = process): RpcChannel {
  if (!proc.send) throw new Error('This process was not started with an IPC channel');
  const sendToParent = proc.send.bind(proc);
  return {
    send: (message) => void sendToParent(message, undefined, undefined, () => {}),
    onMessage(listener: Listener<unknown>) {
      proc.on('message', listener);
      return () => proc.off('message', listener);
    },
    onClose: (listener) => proc.once('disconnect', () => listener('the parent process went away')),
  };
}

/** Electron's UtilityProcess, as the main process holds it. */
export interface UtilityProcessLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: Listener<unknown>): unknown;
  off(event: 'message', listener: Listener<unknown>): unknown;
  once(event: 'exit', listener: Listener<number>): unknown;
}

export function utilityProcessChannel(child: UtilityProcessLike): RpcChannel {
  return {
    send: (message) => child.postMessage(message),
    onMessage(listener) {
      child.on('message', listener);
      return () => child.off('message', listener);
    },
    onClose: (listener) => child.once('exit', (code) => listener(`the process ${describeExit(code)}`)),
  };
}

/** Electron's process.parentPort inside a utility process: messages arrive wrapped in an event. */
export interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: Listener<{ data: unknown }>): unknown;
  off(event: 'message', listener: Listener<{ data: unknown }>): unknown;
}

export function parentPortChannel(port: ParentPortLike): RpcChannel {
  return {
    send: (message) => port.postMessage(message),
    onMessage(listener) {
      const unwrap = (event: { data: unknown }) => listener(event.data);
      port.on('message', unwrap);
      return () => port.off('message', unwrap);
    },
    // Electron ends a utility process together with its parent: nothing to watch for.
  };
}
