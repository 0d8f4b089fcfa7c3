/**
 * A hostile or broken Stash: pages that break the paging contract or carry odd ids fail the sync
 * before anything is written, and a key the server echoes never reaches an error or the run log.
 */
import { afterEach, expect, it } from 'vitest';
import type { MirrorStore } from '../src/core/db/store';
import type { EntityName } from '../src/core/mirror-rows';
import { MalformedResponseError, StashQueryError, StashServerError } from '../src/core/stash/errors';
import { describeEachDialect, expectMirrorEqualsLibrary, startHarness, type Harness } from './support/harness';
import { SYNC_WRITTEN_TABLES } from '../src/core/db/mirror-tables';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** Stash's data as mirrored; the run log records the refused sync, as it should, and the closure is derived. */
const MIRROR_TABLES = SYNC_WRITTEN_TABLES.filter(
  (table) => !['stash_tag_closure', 'stash_sync_runs', 'stash_sync_state', 'stash_mirror_state'].includes(table),
);

/** Every row of every mirror table, in a stable order: what "the mirror is unchanged" compares. */
async function mirrorContents(store: MirrorStore): Promise<Record<string, unknown[]>> {
  const contents: Record<string, unknown[]> = {};
  for (const table of MIRROR_TABLES) {
    const rows = await store.readForTests<Record<string, unknown>>(`SELECT * FROM ${table}`);
    contents[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return contents;
}

/** The sync's error, after checking that it failed. */
async function failedSync(harness: Harness, entities?: EntityName[]): Promise<Error> {
  return harness.sync(entities ? { entities } : {}).then(
    () => expect.fail('the sync succeeded'),
    (error: Error) => error,
  );
}

describeEachDialect('a hostile Stash', (dialect) => {
  for (const id of ['1e2', '0x10', ' 7 ', '-1', '']) {
    it(`an id of ${JSON.stringify(id)} fails the sync in one line and leaves the mirror unchanged`, async () => {
      h = await startHarness({ dialect });
      await h.sync({ entities: ['performers', 'tags'] });
      // A change to pick up, so that a page with it would be written if it were accepted.
      h.library.updatePerformer([...h.library.performers.keys()][0]!, { name: 'Renamed' });
      const before = await mirrorContents(h.store);
      h.fake.faults.inject('badId', { id, operationName: 'PerformerRows', times: 100 });
      const error = await failedSync(h);
      expect(error).toBeInstanceOf(MalformedResponseError);
      expect(error.message).toBe(`Stash returned a malformed findPerformers page: id ${JSON.stringify(id)} is not a plain decimal integer`);
      expect(await mirrorContents(h.store)).toEqual(before);
      expect((await h.store.listRuns()).find((r) => r.entity === 'performers')).toMatchObject({ status: 'failed', error: error.message });
    });
  }

  it('a page of rows longer than its per_page fails the sync and leaves the mirror unchanged', async () => {
    h = await startHarness({ dialect });
    await h.sync();
    h.library.updateScene([...h.library.scenes.keys()][0]!, { title: 'Changed' });
    const before = await mirrorContents(h.store);
    h.fake.faults.inject('extraRows', { operationName: 'SceneRows', times: 100 });
    // Scenes alone: an incremental sync re-reads recent performers and tags, stamping them anew.
    const error = await failedSync(h, ['scenes']);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error.message).toBe('Stash returned a malformed findScenes page: 38 rows where at most 37 were asked for');
    expect(await mirrorContents(h.store)).toEqual(before);
    // Without the fault the next sync converges.
    h.fake.faults.clear();
    await h.sync();
    await expectMirrorEqualsLibrary(h.store, h.library);
  });

  it('a listing page longer than its per_page marks nothing stale', async () => {
    h = await startHarness({ dialect });
    await h.sync();
    h.library.deleteScene([...h.library.scenes.keys()][0]!);
    const liveness = () => h.read('SELECT id, is_stale FROM stash_scenes ORDER BY id');
    const before = await liveness();
    h.fake.faults.inject('extraRows', { operationName: 'SceneListing', times: 100 });
    const error = await failedSync(h, ['scenes']);
    expect(error.message).toMatch(/^Stash returned a malformed findScenes page: \d+ rows where at most \d+ were asked for$/);
    expect(await liveness()).toEqual(before);
  });

  it('never repeats an echoed key in an error or a stored run, whatever surrounds it', async () => {
    const key = `k3y.SECRET-"q"_9`;
    const echoed = [`${key}.`, `${key}-`, `"${key}"`, `'${key}'`, JSON.stringify({ key })].join(' ');
    h = await startHarness({ dialect, apiKey: key });
    const faults: [Parameters<Harness['fake']['faults']['inject']>, new (...args: never[]) => Error][] = [
      [['graphqlError', { operationName: 'PerformerRows', message: `bad key ${echoed}` }], StashQueryError],
      [['http500', { operationName: 'TagRows', times: 10, message: `no backend for ${echoed}` }], StashServerError],
      [['badId', { operationName: 'SceneRows', id: `${key}.` }], MalformedResponseError],
      [['badId', { operationName: 'MarkerRows', id: `"${key}"` }], MalformedResponseError],
    ];
    for (const [[kind, options], type] of faults) {
      h.fake.faults.clear();
      h.fake.faults.inject(kind, options);
      const error = await failedSync(h);
      expect(error, kind).toBeInstanceOf(type);
      expect(error.message).toContain('***');
      expect(`${error.message}\n${error.stack}`).not.toContain('SECRET');
    }
    const runs = await h.store.listRuns();
    expect(
      runs
        .filter((r) => r.status === 'failed')
        .map((r) => r.entity)
        .sort(),
    ).toEqual(['markers', 'performers', 'scenes', 'tags']);
    for (const run of runs) expect(run.error ?? '').not.toContain('SECRET');
  });
});
