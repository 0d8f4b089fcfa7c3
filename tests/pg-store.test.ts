/** The PostgreSQL mirror's own failure modes: each gets a one-line reason, and nothing runs on a schema we do not know. */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openMirrorStore } from '../src/core/db/open';
import { PgMirrorStore } from '../src/core/db/pg-store';
import { MirrorConnectionError, MirrorSchemaError, type MirrorStore } from '../src/core/db/store';
import { syncStash } from '../src/core/sync/engine';
import { createMirrorDatabase, startHarness, TEST_DATABASE_URL, type Harness, type MirrorDatabase } from './support/harness';
import { expectExclusiveSyncLock } from './support/sync-lock';

const withUrl = (change: (url: URL) => void) => {
  const url = new URL(TEST_DATABASE_URL);
  change(url);
  return url.toString();
};

let database: MirrorDatabase | null = null;

async function inDatabaseAt<T = unknown>(url: string, statement: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(statement)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A statement run as the administrator, in the test's database when there is one. */
async function inDatabase<T = unknown>(statement: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: database ? database.cliArgs[1]! : TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(statement, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const performer = { id: 2, name: 'P', gender: null, imagePath: null, favorite: false, tagIds: [], stashUpdatedAt: '2025-01-10T14:03:22+01:00' };
afterEach(async () => {
  await database?.drop();
  database = null;
});

describe.skipIf(!TEST_DATABASE_URL)(`the PostgreSQL mirror${TEST_DATABASE_URL ? '' : ' (skipped: TEST_DATABASE_URL not set)'}`, () => {
  it('names a wrong password, a missing database and an unreachable server', async () => {
    await expect(PgMirrorStore.open({ url: withUrl((u) => (u.password = 'wrong-password')) })).rejects.toThrow(
      /refused the password for user "postgres"/,
    );
    await expect(PgMirrorStore.open({ url: withUrl((u) => (u.pathname = '/no_such_mirror_db')) })).rejects.toThrow(
      /has no database "no_such_mirror_db"; create it first/,
    );
    const error = await PgMirrorStore.open({ url: withUrl((u) => (u.port = '1')) }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(MirrorConnectionError);
    expect((error as Error).message).toMatch(/Cannot connect to PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    expect((error as Error).message).not.toContain('postgres:postgres');
  });

  it('migrates an empty database on first use and refuses one a newer version migrated', async () => {
    database = await createMirrorDatabase('postgres');
    const store = await database.open();
    expect(await store.countLive('scenes')).toBe(0);
    await store.close();
    const url = database.cliArgs[1]!;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)', ['future', Date.now() + 10 ** 10]);
    await client.end();
    const error = await PgMirrorStore.open({ url }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(MirrorSchemaError);
    expect((error as Error).message).toMatch(/migrated by a newer version of Stash Mirror/);
    expect((error as Error).message).not.toContain(':postgres@');
  });

  it('lets one sync at a time hold the lock across connections, as across machines', async () => {
    database = await createMirrorDatabase('postgres');
    const a = await database.open();
    const b = await database.open();
    await expectExclusiveSyncLock(a, b);
  });

  it("releases the lock when the holder's connection dies", async () => {
    database = await createMirrorDatabase('postgres');
    const holder = new pg.Client({ connectionString: database.cliArgs[1]! });
    await holder.connect();
    // The lock key every sync takes (pg-store's SYNC_LOCK_KEY).
    await holder.query('SELECT pg_advisory_lock($1)', [0x5354_4d53]);
    const store = await database.open();
    await expect(store.acquireSyncLock()).rejects.toThrow(/already running/);
    await holder.end();
    await (await store.acquireSyncLock()).release();
    await store.close();
  });

  it('stops a sync whose lock connection died, in one line, and lets the next one take the lock', async () => {
    database = await createMirrorDatabase('postgres');
    const a = await database.open();
    const b = await database.open();
    const lock = await a.acquireSyncLock();
    await inDatabase(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = ${0x5354_4d53}`);
    // Whether or not the connection's error has arrived yet, the next write sees the lock gone.
    await expect(a.applyPage('performers', [performer])).rejects.toThrow(
      /^The connection holding the sync lock on .* was lost.*; the sync stopped so that no other runs beside it: run it again$/,
    );
    expect(await a.countLive('performers')).toBe(0);
    const next = await b.acquireSyncLock();
    await lock.release();
    await b.applyPage('performers', [performer]);
    await next.release();
    expect(await b.countLive('performers')).toBe(1);
    await a.close();
    await b.close();
  });

  it('asks the server to notice a vanished lock holder within about a minute', async () => {
    database = await createMirrorDatabase('postgres');
    const store = await database.open();
    // Every session of the store, the lock's among them, as the server applies it over TCP.
    const [keepalives] = await store.readForTests<Record<string, string>>(
      `SELECT current_setting('tcp_keepalives_idle') AS idle, current_setting('tcp_keepalives_interval') AS interval,
           current_setting('tcp_keepalives_count') AS count`,
    );
    expect(keepalives).toEqual({ idle: '30', interval: '10', count: '3' });
    await store.close();
  });

  it('refuses to sync once a newer version migrated the database under a running app', async () => {
    database = await createMirrorDatabase('postgres');
    const store = await database.open();
    await inDatabase('INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)', ['future', Date.now() + 10 ** 10]);
    await expect(store.acquireSyncLock()).rejects.toThrow(/migrated by a newer version of Stash Mirror/);
    // Refused without keeping the lock, which other machines would otherwise wait on.
    expect(await inDatabase(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = ${0x5354_4d53}`)).toEqual([]);
    await inDatabase('DELETE FROM drizzle.__drizzle_migrations WHERE hash = $1', ['future']);
    await (await store.acquireSyncLock()).release();
    await store.close();
  });

  it('lets machines open a new database at once: one migrates, the others find it done', async () => {
    database = await createMirrorDatabase('postgres');
    const stores = await Promise.all([database.open(), database.open(), database.open()]);
    for (const store of stores) expect(await store.countLive('scenes')).toBe(0);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('opens a migrated database with a role that may only read, and says in one line why it cannot migrate one', async () => {
    database = await createMirrorDatabase('postgres');
    const url = new URL(database.cliArgs[1]!);
    const reader = `stash_mirror_reader_${process.pid}`;
    const readerUrl = new URL(url);
    readerUrl.username = reader;
    readerUrl.password = 'reader-password';
    await inDatabase(`CREATE ROLE ${reader} LOGIN PASSWORD 'reader-password'`);
    try {
      await inDatabase(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
      const refused = await PgMirrorStore.open({ url: readerUrl.toString() }).catch((error: Error) => error);
      expect(refused).toBeInstanceOf(MirrorSchemaError);
      expect((refused as Error).message).toMatch(/^Cannot create or update the mirror's tables in .*: permission denied for (schema|database) \S+$/);
      await (await database.open()).close();
      // What docs/shared-deployment.md grants a role that only searches.
      await inDatabase(`GRANT USAGE ON SCHEMA public, drizzle TO ${reader}`);
      await inDatabase(`GRANT SELECT ON ALL TABLES IN SCHEMA public, drizzle TO ${reader}`);
      const store = await PgMirrorStore.open({ url: readerUrl.toString() });
      expect(await store.countLive('scenes')).toBe(0);
      await store.close();
    } finally {
      await inDatabase(`DROP OWNED BY ${reader}`);
      await inDatabase(`DROP ROLE ${reader}`);
    }
  });

  it("refuses a schema holding tables that are not the mirror's, in one line, and changes nothing", async () => {
    database = await createMirrorDatabase('postgres');
    await inDatabase(`CREATE TABLE scenes (id int PRIMARY KEY, title text)`);
    await inDatabase(`INSERT INTO scenes VALUES (1, 'theirs')`);
    const catalog = () =>
      inDatabase<{ name: string }>(
        `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1`,
      );
    const before = await catalog();
    const error = await database.open().catch((e: Error) => e);
    expect(error).toBeInstanceOf(MirrorSchemaError);
    expect((error as Error).message).toMatch(
      /^The schema "public" of postgres:\/\/postgres:\*\*\*@\S+ holds tables that are not Stash Mirror's \(scenes\); nothing was changed: use an empty database or schema for the mirror$/,
    );
    expect(await catalog()).toEqual(before);
    expect(await inDatabase(`SELECT to_regnamespace('drizzle') AS ledger`)).toEqual([{ ledger: null }]);
    expect(await inDatabase(`SELECT * FROM scenes`)).toEqual([{ id: 1, title: 'theirs' }]);
    // Once the schema is empty, the mirror is created there; a migrated mirror opens again.
    await inDatabase(`DROP TABLE scenes`);
    await (await database.open()).close();
    await (await database.open()).close();
  });

  it('migrates an older mirror, whose tables (one an older version made) are all its own', async () => {
    database = await createMirrorDatabase('postgres');
    await (await database.open()).close();
    // As a database left at the version before the migration that drops stash_marker_search
    // (0004): every migration from it on is forgotten, and what those after it made is undone
    // (stash_mirror_state in 0005, the runs' error_kind in 0006, the scenes' basename in 0008, the
    // studios, performer tags and new columns in 0009, the runs' picture counts in 0010).
    await inDatabase(
      `DELETE FROM drizzle.__drizzle_migrations WHERE created_at >= (SELECT created_at FROM drizzle.__drizzle_migrations ORDER BY created_at LIMIT 1 OFFSET 4)`,
    );
    await inDatabase(
      `DROP TABLE stash_mirror_state; ALTER TABLE stash_sync_runs DROP COLUMN error_kind; ALTER TABLE stash_scenes DROP COLUMN basename; DROP TABLE stash_text_search; ` +
        `DROP TABLE stash_studios; DROP TABLE stash_performer_tags; ALTER TABLE stash_performers DROP COLUMN favorite; ` +
        `ALTER TABLE stash_scenes DROP COLUMN rating100, DROP COLUMN organized, DROP COLUMN studio_id; ` +
        `ALTER TABLE stash_sync_runs DROP COLUMN pictures_downloaded, DROP COLUMN pictures_already_cached, DROP COLUMN pictures_placeholders, ` +
        `DROP COLUMN pictures_failed, DROP COLUMN pictures_removed; CREATE TABLE stash_marker_search (marker_id int)`,
    );
    const store = await database.open();
    expect(await store.countLive('scenes')).toBe(0);
    await store.close();
  });

  it("takes the URL scheme in any case, as the app's settings do", async () => {
    database = await createMirrorDatabase('postgres');
    const store = await openMirrorStore({ databaseUrl: database.cliArgs[1]!.replace(/^postgres/, 'POSTGRES') });
    expect(await store.countLive('scenes')).toBe(0);
    await store.close();
  });

  it("names a role that may not connect, with the server's reason", async () => {
    const role = `stash_mirror_nologin_${process.pid}`;
    await inDatabase(`CREATE ROLE ${role} NOLOGIN PASSWORD 'pw'`);
    try {
      const error = await PgMirrorStore.open({ url: withUrl((u) => ((u.username = role), (u.password = 'pw'))) }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(MirrorConnectionError);
      expect((error as Error).message).toMatch(new RegExp(`does not let user "${role}" connect: role "${role}" is not permitted to log in`));
    } finally {
      await inDatabase(`DROP ROLE ${role}`);
    }
  });

  describe('a sync meeting a lock another session holds', () => {
    let h: Harness | null = null;
    let holder: pg.Client | null = null;
    afterEach(async () => {
      await holder?.end().catch(() => {});
      holder = null;
      await h?.close();
      h = null;
    });

    /** A synced mirror, one of its scenes changed in Stash, and that scene's row locked by another session. */
    async function sceneRowLocked(): Promise<{ url: string; holderPid: number }> {
      h = await startHarness({ dialect: 'postgres' });
      await h.sync();
      const sceneId = [...h.library.scenes.keys()][0]!;
      h.library.updateScene(sceneId, { title: 'Edited while locked' });
      const url = h.database.cliArgs[1]!;
      holder = new pg.Client({ connectionString: url, application_name: 'lock-holder-test' });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM stash_scenes WHERE id = $1 FOR UPDATE', [sceneId]);
      const [{ pid }] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
      return { url, holderPid: pid };
    }

    it('fails after the lock timeout, in one line naming the session holding the lock', async () => {
      const { url, holderPid } = await sceneRowLocked();
      const store = await PgMirrorStore.open({ url, lockTimeoutMs: 300 });
      try {
        const started = Date.now();
        const error = await syncStash({ client: h!.client, store, entities: ['scenes'] }).catch((e: Error) => e);
        expect(Date.now() - started).toBeLessThan(5000);
        expect(error).toBeInstanceOf(MirrorConnectionError);
        expect((error as Error).message).toMatch(
          new RegExp(
            `^Waited more than 0\\.3 s for a lock on postgres://postgres:\\*\\*\\*@\\S+ that another session holds: ` +
              `pid ${holderPid} \\(user "postgres", application "lock-holder-test", idle in transaction, RowShareLock on stash_scenes\\); ` +
              `end that session's transaction, then sync again$`,
          ),
        );
        expect((await store.listRuns(1))[0]).toMatchObject({ entity: 'scenes', status: 'failed' });
      } finally {
        await store.close();
      }
    });

    it('is stopped by a cancel while it waits, and records the run as cancelled', async () => {
      const { url } = await sceneRowLocked();
      // Far longer than the test: only the cancel can end the wait.
      const store = await PgMirrorStore.open({ url, lockTimeoutMs: 120_000 });
      try {
        const controller = new AbortController();
        const sync = syncStash({ client: h!.client, store, entities: ['scenes'], signal: controller.signal }).catch((e: Error) => e);
        const waiting = async () =>
          (
            await inDatabaseAt<{ n: string }>(
              url,
              `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
            )
          )[0]!.n.toString();
        for (let tries = 0; (await waiting()) === '0'; tries++) {
          if (tries > 200) throw new Error('the sync never waited on the lock');
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        const cancelled = Date.now();
        controller.abort();
        const error = await sync;
        expect(Date.now() - cancelled).toBeLessThan(3000);
        expect(error).toBeInstanceOf(Error);
        expect(await waiting()).toBe('0');
        expect((await store.listRuns(1))[0]).toMatchObject({ entity: 'scenes', status: 'cancelled' });
        // The lock is free for the next sync once the holder is done.
        await holder!.query('ROLLBACK');
        await syncStash({ client: h!.client, store, entities: ['scenes'] });
        expect(await store.readForTests(`SELECT count(*)::int AS n FROM stash_scenes WHERE title = 'Edited while locked'`)).toEqual([{ n: 1 }]);
      } finally {
        await store.close();
      }
    });
  });

  describe('secondary indexes during a first sync', () => {
    const scene = {
      id: 1,
      title: 'A',
      date: '2021',
      details: null,
      filesize: 3,
      duration: 61.5,
      performerIds: [2],
      tagIds: [3],
      stashUpdatedAt: 'x',
      basename: null,
      rating100: null,
      organized: false,
      studioId: null,
      filesUpdatedAt: null,
    };
    const indexes = async (store: MirrorStore) =>
      store.readForTests<{ name: string; sql: string }>(
        `SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`,
      );
    const marked = async (store: MirrorStore) =>
      (await store.readForTests(`SELECT 1 FROM stash_mirror_state WHERE name = 'deferred-indexes'`)).length;

    it('are dropped for an empty mirror, built back per entity, then all exactly as migrated', async () => {
      database = await createMirrorDatabase('postgres');
      const store = await database.open();
      const migrated = await indexes(store);
      expect(await store.deferIndexes()).toBe(true);
      const during = (await indexes(store)).map((index) => index.name);
      // Primary keys stay; the text index's GIN index goes with the others.
      expect(during).not.toContain('stash_text_search_document_idx');
      expect(during).not.toContain('stash_scenes_date_idx');
      expect(during).toContain('stash_sync_runs_entity_idx');
      await store.applyPage('scenes', [scene]);
      await store.restoreIndexes('scenes');
      const afterScenes = (await indexes(store)).map((index) => index.name);
      expect(afterScenes).toEqual(
        expect.arrayContaining(['stash_scenes_date_idx', 'stash_scene_tags_tag_idx', 'stash_scene_performers_performer_idx']),
      );
      expect(afterScenes).not.toContain('stash_scene_markers_scene_idx');
      expect(await marked(store)).toBe(1);
      await store.restoreIndexes();
      expect(await indexes(store)).toEqual(migrated);
      expect(await marked(store)).toBe(0);
      await store.close();
    });

    it('are built again when a killed drop left one invalid', async () => {
      database = await createMirrorDatabase('postgres');
      const store = await database.open();
      const migrated = await indexes(store);
      await store.deferIndexes();
      // As a DROP INDEX CONCURRENTLY killed half-way leaves it: present, never used.
      const date = migrated.find((index) => index.name === 'stash_scenes_date_idx')!;
      await inDatabase(date.sql);
      await inDatabase(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'stash_scenes_date_idx'::regclass`);
      await store.restoreIndexes();
      expect(await indexes(store)).toEqual(migrated);
      expect(await inDatabase(`SELECT 1 FROM pg_index WHERE NOT indisvalid AND indrelid = 'stash_scenes'::regclass`)).toEqual([]);
      await store.close();
    });

    it('are built back by the next open when the sync that dropped them died, and stay when rows exist', async () => {
      database = await createMirrorDatabase('postgres');
      const store = await database.open();
      const migrated = await indexes(store);
      await store.deferIndexes();
      // Killed here: closed without restoreIndexes.
      await store.close();
      const reopened = await database.open();
      expect(await indexes(reopened)).toEqual(migrated);
      expect(await marked(reopened)).toBe(0);
      await reopened.applyPage('scenes', [scene]);
      expect(await reopened.deferIndexes()).toBe(false);
      expect(await indexes(reopened)).toEqual(migrated);
      await reopened.close();
    });
  });
});
