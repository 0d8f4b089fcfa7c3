/**
 * The desktop app's log: a rotating file in its user-data folder, which also receives the mirror
 * process's records (forwarded by the supervisor). In development the terminal shows them too.
 */
import { join } from 'node:path';
import { app } from 'electron';
import { createLogger, logLevelFrom, streamSink, teeSink, type Logger, type LogSink } from '../core/log';
import { openLogFile } from '../core/log-file';

export const LOG_FILE_NAME = 'stash-mirror.log';

export interface AppLog {
  /** The main process's logger. */
  logger: Logger;
  /** Where records logged elsewhere (the mirror process) are written as they are. */
  sink: LogSink;
}

/** <userData>/logs/stash-mirror.log; nothing is created until the first line. */
export function openAppLog(): AppLog {
  const file = openLogFile({ file: join(app.getPath('userData'), 'logs', LOG_FILE_NAME) });
  const sink = app.isPackaged ? file.sink : teeSink(file.sink, streamSink(process.stderr));
  return { logger: createLogger(sink, { level: logLevelFrom() }), sink };
}
