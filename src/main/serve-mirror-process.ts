/**
 * The utility process's side: serves the mirror service's methods over RPC, pushes its events, and
 * reads and writes settings through the main process. Electron-free, so the benchmark and tests
 * run exactly this in a Node child process.
 */
import { EVENT_NAMES, METHOD_NAMES } from '../shared/channels';
import { createLogger, logLevelFrom } from '../core/log';
import { createRpcPeer, type RpcChannel, type RpcHandlers } from '../shared/rpc';
import type { SettingsRepository } from '../core/service/settings';
import type { MirrorService } from '../core/service/types';
import type {
  CreateMirrorService,
  ForwardedMethod,
  MainProcessMethods,
  MirrorEvents,
  MirrorProcessMethods,
  MirrorProcessStart,
} from './mirror-protocol';

export const FORWARDED_METHODS = METHOD_NAMES.filter((m): m is ForwardedMethod => m !== 'openExternal');

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

  const forwarded = Object.fromEntries(
    FORWARDED_METHODS.map((method) => [
      method,
      async (arg: unknown) => {
        const target = await requireService();
        return (target[method] as (arg: unknown) => Promise<unknown>).call(target, arg);
      },
    ]),
  ) as Record<ForwardedMethod, (arg: unknown) => Promise<unknown>>;

  const handlers = { ...forwarded, start, close: closeService } satisfies RpcHandlers &
    Record<keyof MirrorProcessMethods, unknown>;
  const peer = createRpcPeer<MainProcessMethods, MirrorEvents>(channel, handlers);

  // This process has no log file of its own: its records travel to main, which writes them. It
  // inherits main's environment, so the level asked for holds here too.
  const logger = createLogger((record) => peer.emit('log', record), { level: logLevelFrom() });

  const settings: SettingsRepository = {
    load: () => peer.call('loadSettings'),
    save: (update) => peer.call('saveSettings', update),
  };

  return new Promise((resolve) => peer.onClose(() => void closeService().finally(resolve)));
}
