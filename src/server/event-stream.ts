/**
 * `GET /api/events`: the service's events as server-sent events, one stream per window. A new
 * stream starts with the current sync status, so a page opened mid-sync shows it at once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EVENT_NAMES, type EventName, type StashMirrorEvents } from '../shared/contract';
import { silentLogger, type Logger } from '../core/log';
import type { MirrorService } from '../core/service/types';

/** Proxies drop connections silent for a minute or so; a comment line keeps ours open. */
export const HEARTBEAT_MS = 15_000;

export interface EventStreams {
  open(req: IncomingMessage, res: ServerResponse): void;
  /** Ends every open stream (the host is stopping). */
  closeAll(): void;
}

export function eventStreams(service: MirrorService, heartbeatMs = HEARTBEAT_MS, logger: Logger = silentLogger): EventStreams {
  const open = new Set<() => void>();
  return {
    open(req, res) {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.write('retry: 3000\n\n');
      const send = <E extends EventName>(event: E, payload: StashMirrorEvents[E]) => {
        if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
      };
      const unsubscribe = EVENT_NAMES.map((event) => service.on(event, (payload) => send(event, payload)));
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
      const close = () => {
        if (!open.delete(close)) return;
        clearInterval(heartbeat);
        for (const stop of unsubscribe) stop();
        res.end();
      };
      open.add(close);
      req.on('close', close);
      // The first status is a head start: the page also asks for it, and hears the next change.
      service.getSyncStatus().then(
        (status) => send('syncStatus', status),
        (error: unknown) =>
          logger.warn(`The first sync status of a new event stream could not be read: ${(error as Error)?.message ?? String(error)}`),
      );
    },
    closeAll() {
      for (const close of [...open]) close();
    },
  };
}
