/** describeBackend: all the service learns about the chosen database, without asking its kind. */
import { describe, expect, it } from 'vitest';
import { describeBackend } from '../src/core/db/backend';

describe('describeBackend', () => {
  it('describes the embedded mirror as its file: nothing secret, no server to try first', () => {
    expect(describeBackend({ kind: 'sqlite' }, '/data/mirror.db')).toEqual({
      key: 'sqlite',
      location: { file: '/data/mirror.db' },
      shownLocation: '/data/mirror.db',
      view: { kind: 'sqlite', file: '/data/mirror.db' },
      secrets: [],
      isServer: false,
    });
  });

  it('describes a PostgreSQL URL as a server, shown and viewed without its passwords', () => {
    const url = 'postgres://mirror:s3cret@db.lan:5432/stash?password=other';
    const described = describeBackend({ kind: 'postgres', url }, '/data/mirror.db');
    expect(described.location).toEqual({ databaseUrl: url });
    expect(described.isServer).toBe(true);
    expect(described.secrets.sort()).toEqual(['other', 's3cret']);
    expect(described.shownLocation).toBe('postgres://mirror:***@db.lan:5432/stash?password=***');
    expect(described.view).toEqual({ kind: 'postgres', url: described.shownLocation });
  });

  it('gives two URLs two keys, and the same URL the same key', () => {
    const a = describeBackend({ kind: 'postgres', url: 'postgres://u@h/a' }, 'f').key;
    expect(describeBackend({ kind: 'postgres', url: 'postgres://u@h/a' }, 'other').key).toBe(a);
    expect(describeBackend({ kind: 'postgres', url: 'postgres://u@h/b' }, 'f').key).not.toBe(a);
    expect(describeBackend({ kind: 'sqlite' }, 'f').key).not.toBe(a);
  });
});
