import { describe, expect, it } from 'vitest';
import { createLogger, formatLogRecord, logLevelFrom, teeSink, type LogRecord } from '../src/core/log';

describe('logger', () => {
  const at = new Date('2026-12-07T13:40:00.000Z');

  it('drops records below its level and names child modules by their path', () => {
    const records: LogRecord[] = [];
    const root = createLogger((record) => records.push(record), { level: 'warn', now: () => at });
    const sync = root.child('service').child('sync');
    sync.info('not kept');
    sync.warn('listing left for the next sync', { entity: 'scenes' });
    root.error('failed');
    expect(records).toEqual([
      { time: at.toISOString(), level: 'warn', module: 'service.sync', message: 'listing left for the next sync', fields: { entity: 'scenes' } },
      { time: at.toISOString(), level: 'error', module: '', message: 'failed' },
    ]);
  });

  it('formats a record as one line', () => {
    expect(
      formatLogRecord({ time: at.toISOString(), level: 'warn', module: 'sync', message: 'deletions not checked', fields: { entity: 'tags', n: 2 } }),
    ).toBe('2026-12-07T13:40:00.000Z WARN  sync: deletions not checked (entity=tags, n=2)');
  });

  it('hands every record to each sink of a tee', () => {
    const first: LogRecord[] = [];
    const second: LogRecord[] = [];
    createLogger(
      teeSink(
        (r) => first.push(r),
        (r) => second.push(r),
      ),
      { now: () => at },
    ).warn('both');
    expect(first).toEqual([{ time: at.toISOString(), level: 'warn', module: '', message: 'both' }]);
    expect(second).toEqual(first);
  });

  it('takes its level from STASH_MIRROR_LOG_LEVEL, info when unset or unknown', () => {
    expect(logLevelFrom({ STASH_MIRROR_LOG_LEVEL: ' Debug ' })).toBe('debug');
    expect(logLevelFrom({ STASH_MIRROR_LOG_LEVEL: 'error' })).toBe('error');
    expect(logLevelFrom({ STASH_MIRROR_LOG_LEVEL: 'verbose' })).toBe('info');
    expect(logLevelFrom({})).toBe('info');
  });
});
