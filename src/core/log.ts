/**
 * The one logger. Modules take a `Logger` (default: `silentLogger`) and name themselves with
 * `child`; where the lines go is the host's choice: the headless host and the CLI write them to
 * stderr, the desktop app to a rotating file in its user-data folder. Plain Node: no Electron.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One line of the log; structured-clone safe, so a child process can forward it as it is. */
export interface LogRecord {
  time: string;
  level: LogLevel;
  /** Dotted path of child names, e.g. "service.sync". */
  module: string;
  message: string;
  fields?: Record<string, string | number | boolean | null>;
}

export type LogSink = (record: LogRecord) => void;
export type LogFields = NonNullable<LogRecord['fields']>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose records name `module` under this one's. */
  child(module: string): Logger;
}

export interface LoggerOptions {
  /** Records below this level are dropped before they reach the sink. Default: info. */
  level?: LogLevel;
  module?: string;
  /** Clock, for tests. */
  now?: () => Date;
}

export function createLogger(sink: LogSink, options: LoggerOptions = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level ?? 'info');
  const now = options.now ?? (() => new Date());
  const make = (module: string): Logger => {
    const at =
      (level: LogLevel) =>
      (message: string, fields?: LogFields): void => {
        if (LOG_LEVELS.indexOf(level) < threshold) return;
        sink({ time: now().toISOString(), level, module, message, ...(fields ? { fields } : {}) });
      };
    return {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (name) => make(module ? `${module}.${name}` : name),
    };
  };
  return make(options.module ?? '');
}

/** The level asked for in STASH_MIRROR_LOG_LEVEL (debug, info, warn or error); info when unset or unknown. */
export function logLevelFrom(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const asked = env.STASH_MIRROR_LOG_LEVEL?.trim().toLowerCase() ?? '';
  return (LOG_LEVELS as readonly string[]).includes(asked) ? (asked as LogLevel) : 'info';
}

/** For modules whose host did not ask for their lines (tests, library use). */
export const silentLogger: Logger = createLogger(() => {}, { level: 'error', module: '' });

/** "2026-12-07T13:40:00.000Z WARN  sync: a listing was left for the next sync (entity=scenes)" */
export function formatLogRecord(record: LogRecord): string {
  const fields = record.fields
    ? ` (${Object.entries(record.fields)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(', ')})`
    : '';
  const module = record.module ? `${record.module}: ` : '';
  return `${record.time} ${record.level.toUpperCase().padEnd(5)} ${module}${record.message}${fields}`;
}

/** One formatted line per record on a stream (stderr by default). */
export function streamSink(stream: { write(text: string): unknown } = process.stderr): LogSink {
  return (record) => void stream.write(`${formatLogRecord(record)}\n`);
}

/** Every record to each sink in turn (the desktop app in development: its file and the terminal). */
export function teeSink(...sinks: LogSink[]): LogSink {
  return (record) => {
    for (const sink of sinks) sink(record);
  };
}
