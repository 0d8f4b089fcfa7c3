/** The PostgreSQL mirror's own failure modes: each gets a one-line reason, and nothing runs on a schema we do not know. */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PgMirrorStore } from '../src/core/db/pg-store';
import { MirrorConnectionError, MirrorSchemaError, SyncAlreadyRunningError, type MirrorStore } from '../src/core/db/store';
import { createMirrorDatabase, TEST_DATABASE_URL, type MirrorDatabase } from './support/harness';

const withUrl = (change: (url: URL) => void) => {
  const url = new URL(TEST_DATABASE_URL);
  change(url);
  return url.toString();
};

let database: MirrorDatabase | null = null;
afterEach(async () => {
  await database?.drop();
  database = null;
});

describe.skipIf(!TEST_DATABASE_URL)(
  `the PostgreSQL mirror${TEST_DATABASE_URL ? '' : ' (skipped: TEST_DATABASE_URL not set)'}`,
  () => {
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
      const lock = await a.acquireSyncLock();
      await expect(b.acquireSyncLock()).rejects.toThrow(SyncAlreadyRunningError);
      await lock.release();
      await (await b.acquireSyncLock()).release();
      await a.close();
      await b.close();
    });

    it('releases the lock when the holder\'s connection dies', async () => {
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

    describe('secondary indexes during a first sync', () => {
      const scene = { id: 1, title: 'A', date: '2021', details: null, filesize: 3, duration: 61.5, performerIds: [2], tagIds: [3], stashUpdatedAt: 'x', filesUpdatedAt: null };
      const indexes = async (store: MirrorStore) =>
        store.read<{ name: string; sql: string }>(
          `SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`,
        );
      const marked = async (store: MirrorStore) =>
        (await store.read(`SELECT 1 FROM stash_sync_state WHERE entity = 'deferred-indexes'`)).length;

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
        expect(afterScenes).toEqual(expect.arrayContaining(['stash_scenes_date_idx', 'stash_scene_tags_tag_idx', 'stash_scene_performers_performer_idx']));
        expect(afterScenes).not.toContain('stash_scene_markers_scene_idx');
        expect(await marked(store)).toBe(1);
        await store.restoreIndexes();
        expect(await indexes(store)).toEqual(migrated);
        expect(await marked(store)).toBe(0);
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
  },
);
