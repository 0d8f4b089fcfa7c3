/**
 * The utility process's side: serves the mirror service's methods over RPC, pushes its events, and
 * reads and writes settings through the main process. Electron-free, so the benchmark and tests
 * run exactly this in a Node child process.
 */
import { MIRROR_ERRORS } from '../core/error-registry';
import { createLogger, logLevelFrom } from '../core/log';
import { EVENT_NAMES } from '../shared/channels';
import { createRpcPeer, type RpcChannel, type RpcHandlers } from '../shared/rpc';
import type { SettingsRepository } from '../core/service/settings';
import type { MirrorService } from '../core/service/types';
import { cacheLookup } from '../server/stash-picture';
import {
  FORWARDED_METHODS,
  MAIN_PROCESS_METHODS,
  type CreateMirrorService,
  type ForwardedMethod,
  type MainProcessMethods,
  type MirrorEvents,
  type MirrorProcessMethods,
  type MirrorProcessStart,
} from './mirror-protocol';

/** Resolves once the main process has gone or asked to close, and the service is closed. */
export function serveMirrorProcess(channel: RpcChannel, createService: CreateMirrorService): Promise<void> {
  let service: Promise<MirrorService> | null = null;

  const requireService = (): Promise<MirrorService> => {
    if (!service) throw new Error('The mirror service has not been started');
    return service;
  };

  const start = async (options: MirrorProcessStart): Promise<void> => {
    service ??= Promise.resolve(createService({ ...options, settings, logger })).then((created) => {
      for (const event of EVENT_NAMES) created.on(event, (payload) => peer.emit(event, payload as never));
      return created;
    });
    // A failed start may be retried (the settings or the database may have been fixed since).
    await service.catch((error: unknown) => {
      service = null;
      throw error;
    });
  };

  const closeService = async (): Promise<void> => {
    const current = service;
    service = null;
    // A service whose start failed has nothing to close; start() already answered with the reason.
    await (await current?.catch(() => null))?.close();
  };

  // One argument, the one main validated: the service's other parameters are for hosts in its own process.
  const forwarded = Object.fromEntries(
    FORWARDED_METHODS.map((method) => [
      method,
      async (arg: unknown) => {
        const target = (await requireService()) as unknown as Record<ForwardedMethod, (arg: unknown) => Promise<unknown>>;
        return target[method](arg);
      },
    ]),
  ) as RpcHandlers<Pick<MirrorProcessMethods, ForwardedMethod>>;

  const lookupPicture = async (stashPath: string) => (await cacheLookup((await requireService()).pictureCache())?.(stashPath)) ?? null;

  const handlers = { ...forwarded, start, close: closeService, lookupPicture } satisfies RpcHandlers<MirrorProcessMethods>;
  const peer = createRpcPeer<MainProcessMethods, MirrorEvents>(channel, { serve: handlers, calls: MAIN_PROCESS_METHODS, errors: MIRROR_ERRORS });

  // This process has no log file of its own: its records travel to main, which writes them. It
  // inherits main's environment, so the level asked for holds here too.
  const logger = createLogger((record) => peer.emit('log', record), { level: logLevelFrom() });

  const settings: SettingsRepository = {
    load: () => peer.remote.loadSettings(),
    save: (update) => peer.remote.saveSettings(update),
  };

  return new Promise((resolve) => peer.onClose(() => void closeService().finally(resolve)));
}
