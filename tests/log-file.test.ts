import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/core/log';
import { openLogFile } from '../src/core/log-file';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'log-file-'));
  folders.push(folder);
  return folder;
}

const at = new Date('2026-12-07T13:40:00.000Z');
/** Each line is "2026-12-07T13:40:00.000Z INFO  test: line N" plus a line break: 44 bytes for N < 10. */
const LINE_BYTES = 44;

describe('the rotating log file', () => {
  it('appends formatted lines, creating its folder private', () => {
    const file = join(tempFolder(), 'logs', 'stash-mirror.log');
    const log = openLogFile({ file });
    const logger = createLogger(log.sink, { module: 'test', now: () => at });
    logger.info('line 1');
    logger.warn('line 2', { entity: 'scenes' });
    log.close();
    expect(readFileSync(file, 'utf8')).toBe(
      '2026-12-07T13:40:00.000Z INFO  test: line 1\n2026-12-07T13:40:00.000Z WARN  test: line 2 (entity=scenes)\n',
    );
    if (process.platform !== 'win32') {
      expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
  });

  it('rotates by size and keeps only the newest files', () => {
    const folder = tempFolder();
    const file = join(folder, 'stash-mirror.log');
    // Two lines fit in a file; a third starts the next one.
    const log = openLogFile({ file, maxBytes: 2 * LINE_BYTES, keep: 2 });
    const logger = createLogger(log.sink, { module: 'test', now: () => at });
    for (let n = 1; n <= 7; n++) logger.info(`line ${n}`);
    log.close();
    const lines = (name: string) =>
      readFileSync(join(folder, name), 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.slice(-6));
    expect(readdirSync(folder).sort()).toEqual(['stash-mirror.log', 'stash-mirror.log.1', 'stash-mirror.log.2']);
    expect(lines('stash-mirror.log')).toEqual(['line 7']);
    expect(lines('stash-mirror.log.1')).toEqual(['line 5', 'line 6']);
    expect(lines('stash-mirror.log.2')).toEqual(['line 3', 'line 4']);
  });

  it('counts what an earlier run left in the file', () => {
    const folder = tempFolder();
    const file = join(folder, 'stash-mirror.log');
    writeFileSync(file, 'x'.repeat(LINE_BYTES));
    const log = openLogFile({ file, maxBytes: LINE_BYTES + 1 });
    createLogger(log.sink, { now: () => at }).info('after a restart');
    log.close();
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('x'.repeat(LINE_BYTES));
    expect(readFileSync(file, 'utf8')).toMatch(/after a restart\n$/);
  });

  it('writes to the fallback when the file cannot be written, saying why once', () => {
    const folder = tempFolder();
    // A file where the log's folder should be: the log cannot be created.
    writeFileSync(join(folder, 'logs'), '');
    const fallback: string[] = [];
    const log = openLogFile({ file: join(folder, 'logs', 'stash-mirror.log'), fallback: { write: (text) => fallback.push(text) } });
    const logger = createLogger(log.sink, { now: () => at });
    logger.error('first');
    logger.error('second');
    expect(fallback).toHaveLength(3);
    expect(fallback[0]).toMatch(/^Cannot write the log file .*stash-mirror\.log/);
    expect(fallback.slice(1)).toEqual(['2026-12-07T13:40:00.000Z ERROR first\n', '2026-12-07T13:40:00.000Z ERROR second\n']);
  });
});
