import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, MemorySettingsRepository } from '../src/core/service/settings';
import { MirrorSupervisor, type MirrorProcessHandle } from '../src/main/mirror-supervisor';
import { createRpcPeer, RpcPeerClosedError } from '../src/shared/rpc';
import { childProcessChannel, messagePortChannel } from '../src/shared/rpc-channels';

interface Calculator {
  add(arg: { a: number; b: number }): Promise<number>;
  fail(arg: { message: string }): Promise<never>;
  /** Resolves after `ms`, with `value`: lets calls overtake each other. */
  delayed(arg: { ms: number; value: string }): Promise<string>;
  hang(): Promise<never>;
}

interface Events {
  tick: { n: number };
  other: string;
}

const calculator = {
  add: ({ a, b }: { a: number; b: number }) => a + b,
  fail: ({ message }: { message: string }) => {
    throw new TypeError(message);
  },
  delayed: ({ ms, value }: { ms: number; value: string }) => new Promise((r) => setTimeout(() => r(value), ms)),
  hang: () => new Promise(() => {}),
};

const openChannels: MessageChannel[] = [];

function connectedPair() {
  const channel = new MessageChannel();
  openChannels.push(channel);
  const server = createRpcPeer<Record<never, never>, Events>(messagePortChannel(channel.port1), calculator);
  const client = createRpcPeer<Calculator, Events>(messagePortChannel(channel.port2));
  return { server, client, channel };
}

afterEach(() => {
  for (const channel of openChannels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

describe('RPC over a MessageChannel', () => {
  it('returns results', async () => {
    const { client } = connectedPair();
    await expect(client.call('add', { a: 2, b: 3 })).resolves.toBe(5);
  });

  it('rejects with the remote error name and message', async () => {
    const { client } = connectedPair();
    const error = await client.call('fail', { message: 'bad input' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('TypeError');
    expect((error as Error).message).toBe('bad input');
  });

  it('rejects a method the other end does not serve', async () => {
    const { server } = connectedPair();
    // The server end serves the calculator; calling back into the client end, which serves nothing:
    const reverse = server as unknown as { call(method: string): Promise<unknown> };
    await expect(reverse.call('add')).rejects.toThrow('Unknown method add');
  });

  it('answers concurrent calls each with its own result, in completion order', async () => {
    const { client } = connectedPair();
    const finished: string[] = [];
    const calls = [
      client.call('delayed', { ms: 60, value: 'slow' }).then((v) => (finished.push(v), v)),
      client.call('delayed', { ms: 5, value: 'fast' }).then((v) => (finished.push(v), v)),
      ...Array.from({ length: 50 }, (_, i) => client.call('add', { a: i, b: 1 })),
    ];
    const results = await Promise.all(calls);
    expect(results.slice(0, 2)).toEqual(['slow', 'fast']);
    expect(results.slice(2)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(finished).toEqual(['fast', 'slow']);
  });

  it('delivers events to listeners of that event only, until they unsubscribe', async () => {
    const { server, client } = connectedPair();
    const ticks: number[] = [];
    const others: string[] = [];
    const stop = client.on('tick', ({ n }) => ticks.push(n));
    client.on('other', (value) => others.push(value));
    server.emit('tick', { n: 1 });
    server.emit('other', 'x');
    // A round trip after the events: messages on one port keep their order.
    await client.call('add', { a: 0, b: 0 });
    stop();
    server.emit('tick', { n: 2 });
    await client.call('add', { a: 0, b: 0 });
    expect(ticks).toEqual([1]);
    expect(others).toEqual(['x']);
  });

  it('rejects pending and later calls when the other end closes its port', async () => {
    const { client, channel } = connectedPair();
    const pending = client.call('hang');
    channel.port1.close();
    await expect(pending).rejects.toBeInstanceOf(RpcPeerClosedError);
    await expect(client.call('add', { a: 1, b: 1 })).rejects.toBeInstanceOf(RpcPeerClosedError);
    expect(client.closed).toBe(true);
  });
});

describe('RPC with a child process', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  /** A Node child process serving the calculator over its IPC channel, as the benchmark's mirror process does. */
  function startChild(): ChildProcess {
    const modules = (path: string) => JSON.stringify(pathToFileURL(resolve(import.meta.dirname, path)).href);
    const code = `
      const { createRpcPeer } = await import(${modules('../src/shared/rpc.ts')});
      const { parentProcessChannel } = await import(${modules('../src/shared/rpc-channels.ts')});
      const peer = createRpcPeer(parentProcessChannel(), {
        add: ({ a, b }) => a + b,
        hang: () => new Promise(() => {}),
        ping: () => { peer.emit('tick', { n: 42 }); return 'pong'; },
      });
      peer.onClose(() => process.exit(0));
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    children.push(child);
    return child;
  }

  it('calls methods and receives events across processes', async () => {
    const child = startChild();
    const peer = createRpcPeer<Calculator & { ping(): Promise<string> }, Events>(childProcessChannel(child));
    const ticks: number[] = [];
    peer.on('tick', ({ n }) => ticks.push(n));
    await expect(peer.call('add', { a: 20, b: 22 })).resolves.toBe(42);
    await expect(peer.call('ping')).resolves.toBe('pong');
    expect(ticks).toEqual([42]);
  });

  it('rejects pending calls with the reason when the process dies', async () => {
    const child = startChild();
    const peer = createRpcPeer<Calculator, Events>(childProcessChannel(child));
    await peer.call('add', { a: 1, b: 1 });
    const reasons: string[] = [];
    peer.onClose((reason) => reasons.push(reason));
    const pending = [peer.call('hang'), peer.call('hang')];
    child.kill('SIGKILL');
    for (const call of pending) {
      const error = await call.catch((e: Error) => e);
      expect(error).toBeInstanceOf(RpcPeerClosedError);
      expect((error as Error).message).toBe('the process was stopped by SIGKILL');
    }
    await expect(peer.call('add', { a: 1, b: 1 })).rejects.toBeInstanceOf(RpcPeerClosedError);
    expect(reasons).toEqual(['the process was stopped by SIGKILL']);
  });
});

describe('the mirror process supervisor', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  /**
   * serveMirrorProcess in a child process, around a minimal service whose sync reports that it
   * runs and never ends: the process is killed during it.
   */
  function launch(): MirrorProcessHandle {
    const modules = (path: string) => JSON.stringify(pathToFileURL(resolve(import.meta.dirname, path)).href);
    const code = `
      const { serveMirrorProcess } = await import(${modules('../src/main/serve-mirror-process.ts')});
      const { parentProcessChannel } = await import(${modules('../src/shared/rpc-channels.ts')});
      const status = (state) => ({ state, trigger: state === 'running' ? 'schedule' : null, startedAt: null, progress: [],
        lastSuccessAt: null, lastError: null, entities: [], nextScheduledAt: null, mirrorReady: false });
      const listeners = { syncStatus: new Set(), syncFinished: new Set() };
      await serveMirrorProcess(parentProcessChannel(), async ({ settings }) => ({
        on: (event, listener) => (listeners[event].add(listener), () => listeners[event].delete(listener)),
        getSyncStatus: async () => status('idle'),
        getSettings: async () => ({ stashUrl: (await settings.load()).stashUrl }),
        syncNow: () => {
          for (const listener of listeners.syncStatus) listener(status('running'));
          return new Promise(() => {});
        },
        close: async () => {},
      }));
      process.exit(0);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    children.push(child);
    return { channel: childProcessChannel(child), kill: () => child.kill() };
  }

  it('serves settings from main, and reports a sync as failed when the process dies, then restarts it', async () => {
    const events: { event: string; payload: unknown }[] = [];
    const supervisor = new MirrorSupervisor({
      launch,
      start: { databaseFile: ':memory:', host: 'electron', version: 'test' },
      settings: new MemorySettingsRepository({ ...DEFAULT_SETTINGS, stashUrl: 'http://stash.test:9999' }),
      onEvent: (event, payload) => events.push({ event, payload }),
      restartDelayMs: 10,
    });
    try {
      await expect(supervisor.invoke('getSettings', undefined)).resolves.toEqual({ stashUrl: 'http://stash.test:9999' });
      const sync = supervisor.invoke('syncNow', undefined);
      await expect.poll(() => events.length).toBe(1);
      children[0]!.kill('SIGKILL');
      const outcome = await sync;
      expect(outcome).toMatchObject({ ok: false, kind: 'failed', reason: expect.stringMatching(/stopped unexpectedly \(the process was stopped by SIGKILL\)/) });
      expect(events.map((e) => e.event)).toEqual(['syncStatus', 'syncStatus', 'syncFinished']);
      expect(events[1]!.payload).toMatchObject({ state: 'idle', lastError: (outcome as { reason: string }).reason });

      // A new process serves the next calls.
      await expect.poll(() => supervisor.invoke('getSyncStatus', undefined).then((s) => s.state, () => 'restarting')).toBe('idle');
      expect(children).toHaveLength(2);
    } finally {
      await supervisor.close();
    }
  });
});
