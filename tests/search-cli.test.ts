/** `npm run search`, as a separate process, on the mirror `sync:stash` filled. */
import { afterEach, expect, it } from 'vitest';
import { createClock, FakeLibrary } from '../tools/fake-stash';
import { runCli } from './support/cli';
import { describeEachDialect, startHarness, type Harness } from './support/harness';

const SCRIPT = 'src/cli/search.ts';
let h: Harness;
afterEach(async () => h?.close());

function library(): FakeLibrary {
  const lib = new FakeLibrary(createClock());
  const parent = lib.createTag({ name: 'Positions' });
  const child = lib.createTag({ name: 'Cowgirl', parentIds: [parent.id] });
  const other = lib.createTag({ name: 'Outdoor' });
  const ana = lib.createPerformer({ name: 'Ana Álvarez', gender: 'FEMALE' });
  const scene = lib.createScene({ title: 'Beach day', date: '2021-05', performerIds: [ana.id], files: [{ size: 10, duration: 600 }] });
  const plain = lib.createScene({ title: 'Studio', date: '2019', files: [] });
  lib.createMarker({ sceneId: scene.id, primaryTagId: child.id, title: 'Sunset ride', seconds: 65, end_seconds: 125.5, tagIds: [other.id] });
  lib.createMarker({ sceneId: plain.id, primaryTagId: other.id, title: 'Sunrise', seconds: 3, end_seconds: null, tagIds: [] });
  return lib;
}

describeEachDialect('search command', (dialect) => {
  it('finds markers by words, names and sub-tags, and prints a table with facets', async () => {
    h = await startHarness({ dialect, library: library() });
    await h.sync();
    const table = await runCli(SCRIPT, [...h.database.cliArgs, 'sun', '--tag', 'positions', '--with-subtags', '--performer', 'ana alvarez']);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/01:05–02:05\s+Sunset ride\s+Cowgirl, Outdoor\s+Beach day \(2021-05\)\s+Ana Álvarez/);
    expect(table.stdout).toMatch(/1–1 of 1 markers/);
    expect(table.stdout).toMatch(/Primary tags: Cowgirl \(1\)/);

    const json = await runCli(SCRIPT, [...h.database.cliArgs, 'sun', '--json', '--stash-url', 'http://stash:9999']);
    const result = JSON.parse(json.stdout);
    expect(result.total).toBe(2);
    expect(result.hits.map((hit: { title: string }) => hit.title).sort()).toEqual(['Sunrise', 'Sunset ride']);
    expect(result.hits[0].urls.stream).toMatch(/^http:\/\/stash:9999\/scene\/\d+\/scene_marker\/\d+\/stream$/);
  });

  it('says which name it does not know, and rejects bad values with exit code 2', async () => {
    h = await startHarness({ dialect, library: library() });
    await h.sync();
    const unknown = await runCli(SCRIPT, [...h.database.cliArgs, '--tag', 'Nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No tag named "Nope"/);
    const badDate = await runCli(SCRIPT, [...h.database.cliArgs, '--from', '21']);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/sceneDate\.from: expected YYYY, YYYY-MM or YYYY-MM-DD/);
  });

  it('tells the user to sync first when the mirror is empty', async () => {
    h = await startHarness({ dialect, library: library() });
    const empty = await runCli(SCRIPT, [...h.database.cliArgs, 'sun']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/empty: run npm run sync:stash first/);
  });
});
