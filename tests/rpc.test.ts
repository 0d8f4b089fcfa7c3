import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { MirrorConnectionError, MirrorSchemaError } from '../src/core/db/store';
import { failsAsDatabaseWhenStopped } from '../src/core/db/worker-store';
import { MIRROR_ERRORS } from '../src/core/error-registry';
import { errorKindOf } from '../src/core/errors';
import { MediaCache } from '../src/core/media/media-cache';
import { DEFAULT_SETTINGS, MemorySettingsRepository } from '../src/core/service/settings';
import { MirrorSupervisor, type MirrorProcessHandle } from '../src/main/mirror-supervisor';
import { createRpcPeer, RpcPeerClosedError, type RpcChannel, type RpcHandlers, type RpcMethodList } from '../src/shared/rpc';
import { childProcessChannel, messagePortChannel, workerChannel } from '../src/shared/rpc-channels';
import { THROWING_PEER, type ErrorName, type ThrowingPeer } from './support/throwing-peer';
import { spawnTsChild } from './support/ts-child';

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

const CALCULATOR = { add: true, fail: true, delayed: true, hang: true } as const satisfies RpcMethodList<Calculator>;

const calculator = {
  add: ({ a, b }: { a: number; b: number }) => a + b,
  fail: ({ message }: { message: string }) => {
    throw new TypeError(message);
  },
  delayed: ({ ms, value }: { ms: number; value: string }) => new Promise<string>((r) => setTimeout(() => r(value), ms)),
  hang: () => new Promise<never>(() => {}),
} satisfies RpcHandlers<Calculator>;

const openChannels: MessageChannel[] = [];

function connectedPair() {
  const channel = new MessageChannel();
  openChannels.push(channel);
  const server = createRpcPeer<Record<never, never>, Events>(messagePortChannel(channel.port1), { serve: calculator });
  const client = createRpcPeer<Calculator, Events>(messagePortChannel(channel.port2), { calls: CALCULATOR });
  return { server, client, channel };
}

afterEach(() => {
  for (const channel of openChannels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

describe('RPC over a MessageChannel', () => {
  it('checks the method list and the handlers against the interface when compiling', () => {
    // @ts-expect-error a list missing one of the interface's methods
    const missing = { add: true, fail: true, delayed: true } as const satisfies RpcMethodList<Calculator>;
    // @ts-expect-error a list naming a method the interface does not have
    const extra = { ...CALCULATOR, divide: true } as const satisfies RpcMethodList<Calculator>;
    // @ts-expect-error handlers missing one
    const unserved = { add: calculator.add, fail: calculator.fail, hang: calculator.hang } satisfies RpcHandlers<Calculator>;
    // @ts-expect-error a handler of another signature
    const mistyped = { ...calculator, add: ({ a }: { a: string }) => a } satisfies RpcHandlers<Calculator>;
    // The checks are the @ts-expect-error lines, which `npm run typecheck` fails on once they compile;
    // this only keeps the values used.
    expect([missing, extra, unserved, mistyped]).toHaveLength(4);
  });

  it('returns results', async () => {
    const { client } = connectedPair();
    await expect(client.remote.add({ a: 2, b: 3 })).resolves.toBe(5);
  });

  it('rejects with the remote error name and message', async () => {
    const { client } = connectedPair();
    const error = await client.remote.fail({ message: 'bad input' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TypeError');
    expect(error.message).toBe('bad input');
  });

  it('rejects a method the other end does not serve', async () => {
    const channel = new MessageChannel();
    openChannels.push(channel);
    createRpcPeer(messagePortChannel(channel.port1));
    // The other end serves nothing, whatever this end was told it serves:
    const client = createRpcPeer<Calculator>(messagePortChannel(channel.port2), { calls: CALCULATOR });
    await expect(client.remote.add({ a: 1, b: 2 })).rejects.toThrow('Unknown method add');
  });

  it('answers concurrent calls each with its own result, in completion order', async () => {
    const { client } = connectedPair();
    const finished: string[] = [];
    const calls = [
      client.remote.delayed({ ms: 60, value: 'slow' }).then((v) => (finished.push(v), v)),
      client.remote.delayed({ ms: 5, value: 'fast' }).then((v) => (finished.push(v), v)),
      ...Array.from({ length: 50 }, (_, i) => client.remote.add({ a: i, b: 1 })),
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
    await client.remote.add({ a: 0, b: 0 });
    stop();
    server.emit('tick', { n: 2 });
    await client.remote.add({ a: 0, b: 0 });
    expect(ticks).toEqual([1]);
    expect(others).toEqual(['x']);
  });

  it('rejects pending and later calls when the other end closes its port', async () => {
    const { client, channel } = connectedPair();
    const pending = client.remote.hang();
    channel.port1.close();
    await expect(pending).rejects.toBeInstanceOf(RpcPeerClosedError);
    await expect(client.remote.add({ a: 1, b: 1 })).rejects.toBeInstanceOf(RpcPeerClosedError);
    expect(client.closed).toBe(true);
  });
});

describe('RPC with a worker thread', () => {
  it('rejects pending calls when the thread throws, with what it threw', async () => {
    const rpc = JSON.stringify(pathToFileURL(resolve(import.meta.dirname, '../src/shared/rpc.ts')).href);
    const channels = JSON.stringify(pathToFileURL(resolve(import.meta.dirname, '../src/shared/rpc-channels.ts')).href);
    const code = `
      import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(async (tsx) => {
        tsx.register();
        const { createRpcPeer } = await import(${rpc});
        const { messagePortChannel } = await import(${channels});
        const { parentPort } = await import('node:worker_threads');
        createRpcPeer(messagePortChannel(parentPort), { serve: {
          add: ({ a, b }) => a + b,
          hang: () => { setTimeout(() => { throw new Error('out of luck'); }, 50); return new Promise(() => {}); },
        } });
      });
    `;
    const worker = new Worker(code, { eval: true });
    try {
      const peer = createRpcPeer<Calculator>(workerChannel(worker), { calls: CALCULATOR });
      await expect(peer.remote.add({ a: 1, b: 2 })).resolves.toBe(3);
      const error = await peer.remote.hang().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RpcPeerClosedError);
      expect((error as Error).message).toBe('the worker thread failed: out of luck');
      await expect(peer.remote.add({ a: 1, b: 2 })).rejects.toBeInstanceOf(RpcPeerClosedError);
    } finally {
      await worker.terminate();
    }
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
      const peer = createRpcPeer(parentProcessChannel(), { serve: {
        add: ({ a, b }) => a + b,
        hang: () => new Promise(() => {}),
        ping: () => { peer.emit('tick', { n: 42 }); return 'pong'; },
      } });
      peer.onClose(() => process.exit(0));
    `;
    const child = spawnTsChild({ inline: code });
    children.push(child);
    return child;
  }

  it('calls methods and receives events across processes', async () => {
    const child = startChild();
    const peer = createRpcPeer<Calculator & { ping(): Promise<string> }, Events>(childProcessChannel(child), {
      calls: { ...CALCULATOR, ping: true },
    });
    const ticks: number[] = [];
    peer.on('tick', ({ n }) => ticks.push(n));
    await expect(peer.remote.add({ a: 20, b: 22 })).resolves.toBe(42);
    await expect(peer.remote.ping()).resolves.toBe('pong');
    expect(ticks).toEqual([42]);
  });

  it('rejects pending calls with the reason when the process dies', async () => {
    const child = startChild();
    const peer = createRpcPeer<Calculator, Events>(childProcessChannel(child), { calls: CALCULATOR });
    await peer.remote.add({ a: 1, b: 1 });
    const reasons: string[] = [];
    peer.onClose((reason) => reasons.push(reason));
    const pending = [peer.remote.hang(), peer.remote.hang()];
    child.kill('SIGKILL');
    for (const call of pending) {
      const error = await call.catch((e: Error) => e);
      expect(error).toBeInstanceOf(RpcPeerClosedError);
      expect(error.message).toBe('the process was stopped by SIGKILL');
    }
    await expect(peer.remote.add({ a: 1, b: 1 })).rejects.toBeInstanceOf(RpcPeerClosedError);
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
   * runs and never ends: the process is killed during it. Its picture cache is the one in
   * `picturesDir`, read only, or none.
   */
  function launch(picturesDir: string | null = null): MirrorProcessHandle {
    const modules = (path: string) => JSON.stringify(pathToFileURL(resolve(import.meta.dirname, path)).href);
    const code = `
      const { serveMirrorProcess } = await import(${modules('../src/main/serve-mirror-process.ts')});
      const { parentProcessChannel } = await import(${modules('../src/shared/rpc-channels.ts')});
      const { MediaCache } = await import(${modules('../src/core/media/media-cache.ts')});
      const pictures = ${JSON.stringify(picturesDir)};
      const cache = pictures === null ? null : MediaCache.openForReading(pictures);
      const status = (state) => ({ state, trigger: state === 'running' ? 'schedule' : null, startedAt: null, progress: [],
        lastSuccessAt: null, lastError: null, entities: [], nextScheduledAt: null, mirrorReady: false });
      const listeners = { syncStatus: new Set(), syncFinished: new Set() };
      await serveMirrorProcess(parentProcessChannel(), async ({ settings }) => ({
        on: (event, listener) => (listeners[event].add(listener), () => listeners[event].delete(listener)),
        getSyncStatus: async () => status('idle'),
        getSettings: async () => ({ stashUrl: (await settings.load()).stashUrl }),
        pictureCache: () => cache,
        // As a service whose SQLite worker thread died answers: the process itself lives on.
        listGenders: async () => {
          const { RpcPeerClosedError } = await import(${modules('../src/shared/rpc.ts')});
          throw new RpcPeerClosedError('the worker thread exited with code 1');
        },
        syncNow: () => {
          for (const listener of listeners.syncStatus) listener(status('running'));
          return new Promise(() => {});
        },
        close: async () => {},
      }));
      process.exit(0);
    `;
    const child = spawnTsChild({ inline: code });
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
      await expect(supervisor.service.getSettings()).resolves.toEqual({ stashUrl: 'http://stash.test:9999' });
      const sync = supervisor.service.syncNow();
      await expect.poll(() => events.length).toBe(1);
      children[0]!.kill('SIGKILL');
      const outcome = await sync;
      expect(outcome).toMatchObject({
        ok: false,
        kind: 'failed',
        reason: expect.stringMatching(/stopped unexpectedly \(the process was stopped by SIGKILL\)/),
      });
      expect(events.map((e) => e.event)).toEqual(['syncStatus', 'syncStatus', 'syncFinished']);
      expect(events[1]!.payload).toMatchObject({ state: 'idle', lastError: (outcome as { reason: string }).reason });

      // A new process serves the next calls.
      await expect
        .poll(() =>
          supervisor.service.getSyncStatus().then(
            (s) => s.state,
            () => 'restarting',
          ),
        )
        .toBe('idle');
      expect(children).toHaveLength(2);
    } finally {
      await supervisor.close();
    }
  });
  it("passes on a closed channel inside the process as the call's error, without calling it a crash", async () => {
    const supervisor = new MirrorSupervisor({
      launch,
      start: { databaseFile: ':memory:', host: 'electron', version: 'test' },
      settings: new MemorySettingsRepository(DEFAULT_SETTINGS),
      onEvent: () => {},
      restartDelayMs: 10,
    });
    try {
      const error: unknown = await supervisor.service.listGenders().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RpcPeerClosedError);
      expect((error as Error).message).toBe('the worker thread exited with code 1');
      // The process still serves, and none was started again.
      await expect(supervisor.service.getSettings()).resolves.toEqual({ stashUrl: null });
      expect(children).toHaveLength(1);
    } finally {
      await supervisor.close();
    }
  });
  it('answers the app scheme’s picture lookups from the cache in the mirror process: a file, a placeholder, or nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirror-pictures-'));
    const cache = MediaCache.open(dir, { budgetBytes: 1_000_000 });
    await cache.store('marker-screenshot', 1, 'v1', { body: Buffer.from('png'), contentType: 'image/png' });
    cache.storePlaceholder('marker-screenshot', 17, 'v1');
    const file = cache.peek('marker-screenshot', 1)!.path;
    cache.close();
    const withPictures = (cacheDir: string | null) =>
      new MirrorSupervisor({
        launch: () => launch(cacheDir),
        start: { databaseFile: ':memory:', host: 'electron', version: 'test' },
        settings: new MemorySettingsRepository(DEFAULT_SETTINGS),
        onEvent: () => {},
        restartDelayMs: 10,
      });
    const supervisor = withPictures(dir);
    try {
      await expect(supervisor.lookupPicture('/scene/4/scene_marker/1/screenshot')).resolves.toEqual({
        path: file,
        contentType: 'image/png',
        placeholder: false,
      });
      await expect(supervisor.lookupPicture('/scene/4/scene_marker/17/screenshot')).resolves.toMatchObject({ placeholder: true });
      await expect(supervisor.lookupPicture('/scene/4/scene_marker/2/screenshot')).resolves.toBeNull();
      await expect(supervisor.lookupPicture('/scene/4/stream')).resolves.toBeNull();
    } finally {
      await supervisor.close();
    }
    // With the cache turned off every lookup is nothing: the app asks Stash.
    const withoutCache = withPictures(null);
    try {
      await expect(withoutCache.lookupPicture('/scene/4/scene_marker/1/screenshot')).resolves.toBeNull();
    } finally {
      await withoutCache.close();
    }
  });
});

describe("errors across the app's boundaries", () => {
  const fixture = resolve(import.meta.dirname, 'support/throwing-peer.ts');

  function overWorkerThread(): { channel: RpcChannel; stop: () => Promise<unknown> } {
    const loader = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const entry = JSON.stringify(pathToFileURL(fixture).href);
    const worker = new Worker(`import(${loader}).then((tsx) => { tsx.register(); return import(${entry}); })`, { eval: true });
    return { channel: workerChannel(worker), stop: () => worker.terminate() };
  }

  function overChildProcess(): { channel: RpcChannel; stop: () => Promise<unknown> } {
    const child = spawnTsChild({ file: fixture });
    return { channel: childProcessChannel(child), stop: async () => child.kill('SIGKILL') };
  }

  it.each([
    ['a worker thread', overWorkerThread],
    ['a child process', overChildProcess],
  ])('keep their class, message, kind and fields through %s', async (_, connect) => {
    const { channel, stop } = connect();
    try {
      const peer = createRpcPeer<ThrowingPeer>(channel, { calls: THROWING_PEER, errors: MIRROR_ERRORS });
      for (const [name, ErrorClass] of Object.entries(MIRROR_ERRORS)) {
        // Arguments every constructor takes (StashQueryError's second is its GraphQL messages).
        const args = ['what went wrong', ['a GraphQL message']];
        const local = new (ErrorClass as unknown as new (...args: unknown[]) => Error)(...args);
        const error = (await peer.remote.throwError(name as ErrorName, args).catch((e: unknown) => e)) as Error;
        expect(error).toBeInstanceOf(ErrorClass);
        expect(local.name).toBe(name);
        expect(error.name).toBe(name);
        expect(error.message).toBe(local.message);
        expect({ ...error }).toEqual({ ...local });
        expect(errorKindOf(error)).toBe(errorKindOf(local));
      }
    } finally {
      await stop();
    }
  });
});

describe('the SQLite worker store', () => {
  it('fails a call whose worker thread stopped as a database error, and passes every other outcome on', async () => {
    const remote = failsAsDatabaseWhenStopped({
      stopped: () => Promise.reject(new RpcPeerClosedError('the worker thread exited with code 1')),
      refused: () => Promise.reject(new MirrorSchemaError('newer schema')),
      answered: (n: number) => Promise.resolve(n + 1),
    });
    const stopped = await remote.stopped().catch((e: unknown) => e as Error);
    expect(stopped).toBeInstanceOf(MirrorConnectionError);
    expect(stopped.message).toBe('The SQLite mirror stopped: the worker thread exited with code 1');
    expect(errorKindOf(stopped)).toBe('database');
    await expect(remote.refused()).rejects.toBeInstanceOf(MirrorSchemaError);
    await expect(remote.answered(1)).resolves.toBe(2);
  });
});
