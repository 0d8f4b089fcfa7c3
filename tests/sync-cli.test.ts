/** `npm run sync:stash`, run as a separate process against the fake Stash and a real SQLite file. */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSyncCommand } from '../src/cli/sync-stash';
import { expectMirrorEqualsLibrary, startHarness, type Harness } from './support/harness';
import { runCli, startCli, waitFor } from './support/cli';

const SCRIPT = 'src/cli/sync-stash.ts';
let h: Harness;
afterEach(async () => h?.close());

function countIn(dbFile: string, sql: string): number {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

describe('sync:stash', () => {
  it('syncs and prints one JSON summary on stdout with --json', async () => {
    h = await startHarness({ apiKey: 'secret-key-42' });
    const result = await runCli(SCRIPT, ['--stash-url', h.fake.url, '--db', h.dbFile, '--json'], {
      STASH_API_KEY: 'secret-key-42',
    });
    expect(result.stderr).not.toContain('secret-key-42');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.entities.map((e: { entity: string }) => e.entity)).toEqual(['performers', 'tags', 'scenes', 'markers']);
    expect(summary.entities[3]).toMatchObject({ fetched: h.library.markers.size, staleMarked: 0 });
    expect(result.stdout).not.toContain('secret-key-42');
    expectMirrorEqualsLibrary(h.store, h.library);
  });

  it('prints a readable summary without --json and honours --entities', async () => {
    h = await startHarness();
    const result = await runCli(SCRIPT, ['--stash-url', h.fake.url, '--db', h.dbFile, '--entities', 'tags,performers']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/performers\s+fetched 60/);
    expect(result.stdout).toMatch(/tags\s+fetched 40/);
    expect(result.stdout).not.toMatch(/scenes/);
  });

  it('fails with one line naming the API key when it is refused, never printing it', async () => {
    h = await startHarness({ apiKey: 'right' });
    const result = await runCli(SCRIPT, ['--stash-url', h.fake.url, '--db', h.dbFile, '--api-key', 'wrong-secret-xyz']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/API key/);
    expect(result.stderr + result.stdout).not.toContain('wrong-secret-xyz');
  });

  it('rejects bad arguments with usage and exit code 2', async () => {
    const result = await runCli(SCRIPT, ['--entities', 'scenes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No Stash URL/);
    expect(() => parseSyncCommand(['--stash-url', 'http://x', '--entities', 'scenes,galleries'], {})).toThrow(/Unknown entities: galleries/);
  });

  it('reads the environment equivalents', () => {
    const command = parseSyncCommand([], {
      STASH_URL: 'http://stash:9999/graphql',
      STASH_API_KEY: 'k',
      STASH_MIRROR_DB: '/tmp/m.db',
      DATABASE_URL: 'postgres://x/y',
    });
    expect(command).toMatchObject({ stashUrl: 'http://stash:9999/graphql', apiKey: 'k', dbFile: '/tmp/m.db', databaseUrl: 'postgres://x/y' });
    expect(parseSyncCommand([], { STASH_URL: 'http://s', XDG_CONFIG_HOME: '/cfg' }).dbFile).toMatch(/^\/cfg\/Stash Mirror\/stash-mirror\.db$/);
  });

  it('a second process is told "already running" with exit code 3', async () => {
    h = await startHarness();
    h.fake.faults.inject('slow', { times: 1, delayMs: 8000, operationName: 'SceneRows' });
    const first = startCli(SCRIPT, ['--stash-url', h.fake.url, '--db', h.dbFile]);
    await waitFor(() => countIn(h.dbFile, "SELECT count(*) FROM stash_sync_runs WHERE entity = 'scenes'") > 0, 30_000, 'the first sync to reach scenes');
    const second = await runCli(SCRIPT, ['--stash-url', h.fake.url, '--db', h.dbFile]);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/already running/);
    first.child.kill('SIGKILL');
    await first.done;
  });

  it('a sync killed mid-sync leaves whole pages only, re-runs safely and converges', async () => {
    h = await startHarness({ size: { performers: 60, tags: 40, scenes: 200, markers: 12_000 } });
    h.fake.faults.inject('slow', { times: 1000, delayMs: 300, operationName: 'MarkerRows' });
    const first = startCli(SCRIPT, ['--stash-url', h.fake.url, '--db', h.dbFile]);
    await waitFor(() => countIn(h.dbFile, 'SELECT count(*) FROM stash_scene_markers') > 0, 60_000, 'markers to arrive');
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    h.fake.faults.clear();
    // Whole pages commit together in batches of 5000 rows: every marker that is there has exactly
    // its secondary tags.
    const db = new Database(h.dbFile, { readonly: true });
    const markers = db.prepare('SELECT id FROM stash_scene_markers').pluck().all() as number[];
    expect(markers.length % 5000).toBe(0);
    expect(markers.length).toBeLessThan(12_000);
    const tagsOf = db.prepare('SELECT tag_id FROM stash_scene_marker_tags WHERE marker_id = ? ORDER BY tag_id').pluck();
    for (const id of markers) {
      const m = h.library.markers.get(id)!;
      const expected = [...new Set(m.tagIds)].filter((t) => t !== m.primaryTagId).sort((a, b) => a - b);
      expect(tagsOf.all(id)).toEqual(expected);
    }
    db.close();
    const again = await runCli(SCRIPT, ['--stash-url', h.fake.url, '--db', h.dbFile, '--json']);
    expect(again.code).toBe(0);
    expectMirrorEqualsLibrary(h.store, h.library);
    const statuses = (await h.store.listRuns()).map((r) => `${r.entity}:${r.status}`);
    expect(statuses).toContain('markers:interrupted');
    expect(statuses).toContain('markers:succeeded');
  });
});
