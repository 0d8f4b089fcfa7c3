/**
 * A log file that rotates by size: `stash-mirror.log` grows up to `maxBytes`, then becomes
 * `stash-mirror.log.1` (older ones shift to .2 … .keep, the oldest is dropped) and a new file
 * starts. Written synchronously, a line at a time: the log is small (no line per row or page), the
 * lines stay in order, and a line written before a crash is a line kept. Plain Node: no Electron.
 */
import { closeSync, existsSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatLogRecord, type LogSink } from './log';
import { makePrivateDir } from './paths';

export const LOG_FILE_MAX_BYTES = 1024 * 1024;
export const LOG_FILES_KEPT = 3;

export interface LogFileOptions {
  file: string;
  /** A file this big is rotated before the next line; a single longer line still goes in whole. */
  maxBytes?: number;
  /** How many rotated files are kept beside the current one. */
  keep?: number;
  /** Where a line goes when the file cannot be written (a full disk, a folder removed). */
  fallback?: { write(text: string): unknown };
}

export interface LogFile {
  sink: LogSink;
  close(): void;
}

export function openLogFile(options: LogFileOptions): LogFile {
  const { file } = options;
  const maxBytes = options.maxBytes ?? LOG_FILE_MAX_BYTES;
  const keep = Math.max(1, options.keep ?? LOG_FILES_KEPT);
  const fallback = options.fallback ?? process.stderr;
  let fd: number | null = null;
  let size = 0;
  let failing = false;

  const open = (): number => {
    // The log names servers and databases: the owner's alone, like the data folder it sits in.
    makePrivateDir(dirname(file));
    const opened = openSync(file, 'a', 0o600);
    size = fstatSync(opened).size;
    fd = opened;
    return opened;
  };

  const close = (): void => {
    const current = fd;
    fd = null;
    if (current !== null) closeSync(current);
  };

  const rotate = (): void => {
    close();
    for (let n = keep - 1; n >= 1; n--) if (existsSync(`${file}.${n}`)) renameSync(`${file}.${n}`, `${file}.${n + 1}`);
    renameSync(file, `${file}.1`);
  };

  const sink: LogSink = (record) => {
    const line = `${formatLogRecord(record)}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      let target = fd ?? open();
      if (size > 0 && size + bytes > maxBytes) {
        rotate();
        target = open();
      }
      writeSync(target, line);
      size += bytes;
      failing = false;
    } catch (error) {
      // The line is not lost: it goes to the fallback, with the reason said once per failing spell.
      if (!failing) fallback.write(`Cannot write the log file ${file} (${(error as Error).message}); logging here instead\n`);
      failing = true;
      fallback.write(line);
      try {
        close();
      } catch {
        // The descriptor is unusable either way; the next line opens the file afresh.
      }
    }
  };

  return { sink, close };
}
