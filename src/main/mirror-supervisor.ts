/**
 * The main process's side of the mirror process: starts it, forwards calls and events, serves it
 * the settings, and restarts it when it dies, reporting a sync it was running as failed.
 * Electron-free: the launcher is injected (Electron's utilityProcess in the app, a Node child
 * process in the benchmark).
 */
import { EVENT_NAMES } from '../shared/channels';
import { silentLogger, type Logger, type LogSink } from '../core/log';
import { createRpcPeer, RpcPeerClosedError, type RpcChannel, type RpcHandlers, type RpcPeer, type RpcRemote } from '../shared/rpc';
import type { StashMirrorEvents, SyncOutcome, SyncStatus } from '../shared/contract';
import { MIRROR_ERRORS } from '../core/error-registry';
import type { SettingsRepository } from '../core/service/settings';
import type { CachedPictureFile } from '../server/stash-picture';
import {
  FORWARDED_METHODS,
  MIRROR_PROCESS_METHODS,
  type ForwardedMethod,
  type MainProcessMethods,
  type MirrorEvents,
  type MirrorProcessMethods,
  type MirrorProcessStart,
} from './mirror-protocol';

export interface MirrorProcessHandle {
  channel: RpcChannel;
  kill(): void;
}

export interface MirrorSupervisorOptions {
  launch: () => MirrorProcessHandle;
  start: MirrorProcessStart;
  settings: SettingsRepository;
  /** Every event of the service, and those the supervisor reports itself. */
  onEvent: <E extends keyof StashMirrorEvents>(event: E, payload: StashMirrorEvents[E]) => void;
  /** Where the supervisor says that the process died. */
  logger?: Logger;
  /** The records the mirror process logged, as they were logged there. */
  onLog?: LogSink;
  /** Restart delay after a crash, doubled for each crash in a row up to maxRestartDelayMs. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** How long close() waits for the service to close before ending the process. */
  closeTimeoutMs?: number;
}

type Peer = RpcPeer<MirrorProcessMethods, MirrorEvents>;

/** The service's contract methods, answered by the mirror process. */
export type MirrorServiceRemote = RpcRemote<Pick<MirrorProcessMethods, ForwardedMethod>>;

/** A process that ran this long before dying was not crash-looping: the delay starts over. */
const STABLE_AFTER_MS = 60_000;

export class MirrorSupervisor {
  private peer!: Peer;
  private handle!: MirrorProcessHandle;
  private ready!: Promise<void>;
  private startedAt = 0;
  private crashesInARow = 0;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private lastStatus: SyncStatus | null = null;

  constructor(private readonly options: MirrorSupervisorOptions) {
    this.launch();
  }

  /**
   * The mirror service, called in whichever mirror process is running (waiting for a restarted one
   * to start). Arguments must already be validated.
   */
  readonly service = Object.fromEntries(
    FORWARDED_METHODS.map((method) => [method, (arg?: unknown) => this.callService(method, arg)]),
  ) as unknown as MirrorServiceRemote;

  /** The picture cache's entry for a Stash picture path, read in the mirror process. */
  async lookupPicture(stashPath: string): Promise<CachedPictureFile | null> {
    await this.whenStarted();
    return this.peer.remote.lookupPicture(stashPath);
  }

  private async callService(method: ForwardedMethod, arg: unknown): Promise<unknown> {
    const peer = this.peer;
    try {
      await this.whenStarted();
      return await (peer.remote[method] as (arg: unknown) => Promise<unknown>)(arg);
    } catch (error) {
      // Only this process's own channel closing is a crash: a closed channel inside it (the SQLite
      // worker thread) arrives as an error of the call, like any other.
      if (!(error instanceof RpcPeerClosedError) || !peer.closed) throw error;
      const reason = this.crashReason(error.message);
      // A sync's outcome is a value, also when the process running it died.
      if (method === 'syncNow') return { ok: false, kind: 'failed', reason, errorKind: 'other' } satisfies SyncOutcome;
      throw new Error(reason, { cause: error });
    }
  }

  /** Closes the service and ends the process; no restart follows. */
  async close(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, this.options.closeTimeoutMs ?? 5_000).unref());
    // The process is killed next whatever close answers: its failure loses nothing.
    await Promise.race([this.peer.remote.close().catch(() => {}), timeout]);
    this.peer.close('the app is quitting');
    this.handle.kill();
  }

  private launch(): void {
    const { options } = this;
    this.handle = options.launch();
    this.startedAt = Date.now();
    const settingsHandlers = {
      loadSettings: () => options.settings.load(),
      saveSettings: (update) => options.settings.save(update),
    } satisfies RpcHandlers<MainProcessMethods>;
    const peer: Peer = createRpcPeer(this.handle.channel, { serve: settingsHandlers, calls: MIRROR_PROCESS_METHODS, errors: MIRROR_ERRORS });
    this.peer = peer;
    for (const event of EVENT_NAMES) peer.on(event, (payload) => this.forward(event, payload));
    peer.on('log', (record) => options.onLog?.(record));
    peer.onClose((reason) => this.onProcessGone(peer, reason));
    this.ready = peer.remote.start(options.start);
    // Surfaced by the next call; a crash is reported through onProcessGone.
    this.ready.catch(() => {});
  }

  /** Waits for the service; after a failed start (e.g. a broken database) tries once more. */
  private async whenStarted(): Promise<void> {
    const ready = this.ready;
    try {
      await ready;
    } catch (error) {
      if (error instanceof RpcPeerClosedError) throw error;
      if (this.ready === ready) this.ready = this.peer.remote.start(this.options.start);
      await this.ready;
    }
  }

  private forward<E extends keyof StashMirrorEvents>(event: E, payload: StashMirrorEvents[E]): void {
    if (event === 'syncStatus') this.lastStatus = payload as SyncStatus;
    this.options.onEvent(event, payload);
  }

  private crashReason(detail: string): string {
    return `The mirror service stopped unexpectedly (${detail}); it is being restarted.`;
  }

  private onProcessGone(peer: Peer, detail: string): void {
    if (this.stopping || peer !== this.peer) return;
    const reason = this.crashReason(detail);
    (this.options.logger ?? silentLogger).error(reason);
    if (this.lastStatus && this.lastStatus.state !== 'idle') {
      // The windows and the tray would otherwise show a sync running forever.
      this.forward('syncStatus', { ...this.lastStatus, state: 'idle', trigger: null, progress: [], lastError: reason, lastErrorKind: 'other' });
      this.forward('syncFinished', { ok: false, kind: 'failed', reason, errorKind: 'other' });
    }
    this.crashesInARow = Date.now() - this.startedAt > STABLE_AFTER_MS ? 1 : this.crashesInARow + 1;
    const base = this.options.restartDelayMs ?? 500;
    const delay = Math.min(base * 2 ** (this.crashesInARow - 1), this.options.maxRestartDelayMs ?? 30_000);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping) this.launch();
    }, delay);
  }
}
