/** `npm run search`, as a separate process, on the mirror `sync:stash` filled. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { searchMarkers } from '../src/core/search/search';
import { createClock, FakeLibrary } from '../tools/fake-stash';
import { runCli } from './support/cli';
import { describeEachDialect, startHarness, type Harness } from './support/harness';

const SCRIPT = 'src/cli/search.ts';
let h: Harness;
afterEach(async () => h?.close());

/**
 * Markers, in id order (scene | date | performers | scene tags | primary tag | secondary tags):
 *   Sunset ride  Beach day  2021-05  Ana Álvarez (FEMALE)              Outdoor         Cowgirl (under Positions)  Outdoor
 *   Sunrise      Studio     2019     -                                 Indoor          Outdoor                    -
 *   Skyline      Rooftop    2022     Ana Álvarez, Kim Lee (NON_BINARY) Outdoor, Night  Positions                  -
 */
function library(): FakeLibrary {
  const lib = new FakeLibrary(createClock());
  const parent = lib.createTag({ name: 'Positions' });
  const child = lib.createTag({ name: 'Cowgirl', parentIds: [parent.id] });
  const outdoor = lib.createTag({ name: 'Outdoor' });
  const indoor = lib.createTag({ name: 'Indoor' });
  const night = lib.createTag({ name: 'Night' });
  const ana = lib.createPerformer({ name: 'Ana Álvarez', gender: 'FEMALE' });
  const kim = lib.createPerformer({ name: 'Kim Lee', gender: 'NON_BINARY' });
  const scene = lib.createScene({
    title: 'Beach day',
    date: '2021-05',
    performerIds: [ana.id],
    tagIds: [outdoor.id],
    files: [{ size: 10, duration: 600 }],
  });
  const plain = lib.createScene({ title: 'Studio', date: '2019', tagIds: [indoor.id], files: [] });
  const roof = lib.createScene({ title: 'Rooftop', date: '2022', performerIds: [ana.id, kim.id], tagIds: [outdoor.id, night.id], files: [] });
  lib.createMarker({ sceneId: scene.id, primaryTagId: child.id, title: 'Sunset ride', seconds: 65, end_seconds: 125.5, tagIds: [outdoor.id] });
  lib.createMarker({ sceneId: plain.id, primaryTagId: outdoor.id, title: 'Sunrise', seconds: 3, end_seconds: null, tagIds: [] });
  lib.createMarker({ sceneId: roof.id, primaryTagId: parent.id, title: 'Skyline', seconds: 30, end_seconds: null, tagIds: [] });
  return lib;
}

/** The titles the command lists, in its order (as JSON); it must succeed without a word on stderr. */
async function titles(args: string[]): Promise<string[]> {
  const run = await runCli(SCRIPT, [...h.database.cliArgs, ...args, '--json']);
  expect(run.stderr, args.join(' ')).toBe('');
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { hits: { title: string }[] }).hits.map((hit) => hit.title);
}

describe('search command arguments', () => {
  it('--help prints the usage on stdout and succeeds', async () => {
    const help = await runCli(SCRIPT, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^Usage: npm run search -- /);
    for (const flag of ['--any-scene-tag', '--not-scene-tag', '--any-performer', '--not-performer', '--gender']) expect(help.stdout).toContain(flag);
    for (const flag of [
      '--studio',
      '--not-studio',
      '--performer-tag',
      '--favorite-performers',
      '--performers-min',
      '--rating-max',
      '--not-organized',
    ])
      expect(help.stdout).toContain(flag);
  });

  it('rejects a studio that is not an id with an optional +, before opening the mirror', async () => {
    const bad = await runCli(SCRIPT, ['--db', join(tmpdir(), 'no-such-mirror.db'), '--studio', 'Acme']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('--studio takes a studio id, with + for its child studios too; got "Acme"\n');
  });

  it('rejects an unknown gender with one line and exit code 2, before opening the mirror', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stash-mirror-search-cli-'));
    try {
      const file = join(dir, 'mirror.db');
      const bad = await runCli(SCRIPT, ['--db', file, '--gender', 'robot']);
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toBe('--gender takes one of male, female, transgender-male, transgender-female, intersex, non-binary; got "robot"\n');
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

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

  it('finds an untitled scene by its file basename and names it by that basename, as Stash does', async () => {
    const lib = library();
    const positions = [...lib.tags.values()].find((t) => t.name === 'Positions')!;
    const lake = lib.createScene({ title: null, date: '2020', files: [{ basename: 'Lake.Trip.2020.mp4', size: 5, duration: 90 }] });
    const blank = lib.createScene({ title: '', files: [{ basename: 'blank-title lake.mkv', size: 5, duration: 90 }] });
    lib.createMarker({ sceneId: lake.id, primaryTagId: positions.id, title: 'Paddle', seconds: 12 });
    lib.createMarker({ sceneId: blank.id, primaryTagId: positions.id, title: 'Shore', seconds: 14 });
    h = await startHarness({ dialect, library: lib });
    await h.sync();
    const table = await runCli(SCRIPT, [...h.database.cliArgs, 'lake']);
    expect(table.stderr).toBe('');
    expect(table.stdout).toMatch(/Paddle\s+Positions\s+Lake\.Trip\.2020\.mp4 \(2020\)/);
    expect(table.stdout).toMatch(/Shore\s+Positions\s+blank-title lake\.mkv\s/);
    expect(table.stdout).toMatch(/1–2 of 2 markers/);
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
    const noSuchDate = await runCli(SCRIPT, [...h.database.cliArgs, '--to', '2021-02-30']);
    expect(noSuchDate.code).toBe(2);
    expect(noSuchDate.stderr).toBe('Invalid search: sceneDate.to: no such date: months run 01-12, days to the end of their month\n');
  });

  it('marker tags: --not-tag excludes primary and secondary tags, --primary-only matches the primary tag only', async () => {
    h = await startHarness({ dialect, library: library() });
    await h.sync();
    expect(await titles(['--not-tag', 'outdoor'])).toEqual(['Skyline']);
    expect(await titles(['--tag', 'outdoor', '--primary-only'])).toEqual(['Sunrise']);
  });

  it('scene tags and performers: any and none', async () => {
    h = await startHarness({ dialect, library: library() });
    await h.sync();
    // Indoor or Night: Sunrise and Skyline; without Kim Lee: Sunset ride and Sunrise.
    expect(await titles(['--any-scene-tag', 'indoor', '--any-scene-tag', 'night', '--not-performer', 'kim lee'])).toEqual(['Sunrise']);
    // Kim Lee or Ana Álvarez: Sunset ride and Skyline; without Night: Sunset ride and Sunrise.
    expect(await titles(['--any-performer', 'Kim Lee', '--any-performer', 'ana alvarez', '--not-scene-tag', 'Night'])).toEqual(['Sunset ride']);
  });

  it('--performers-min/max count the scene performers; unrated scenes fail a rating bound; nothing is organized yet', async () => {
    h = await startHarness({ dialect, library: library() });
    await h.sync();
    expect(await titles(['--performers-min', '2'])).toEqual(['Skyline']);
    expect(await titles(['--performers-max', '0'])).toEqual(['Sunrise']);
    expect(await titles(['--performers-min', '1', '--performers-max', '1'])).toEqual(['Sunset ride']);
    expect(await titles(['--rating-min', '0'])).toEqual([]);
    expect(await titles(['--organized'])).toEqual([]);
    expect(await titles(['--not-organized', '--sort', 'position'])).toEqual(['Sunset ride', 'Sunrise', 'Skyline']);
  });

  it('--gender in any case, with - or space for _', async () => {
    h = await startHarness({ dialect, library: library() });
    await h.sync();
    expect(await titles(['--gender', 'non-binary'])).toEqual(['Skyline']);
    expect(await titles(['--gender', 'Female', '--gender', 'NON BINARY'])).toEqual(['Sunset ride', 'Skyline']);
  });

  it('--sort with --asc, and --sort random with --seed in the order the search gives that seed', async () => {
    h = await startHarness({ dialect, library: library() });
    await h.sync();
    expect(await titles(['--sort', 'sceneDate'])).toEqual(['Skyline', 'Sunset ride', 'Sunrise']);
    expect(await titles(['--sort', 'sceneDate', '--asc'])).toEqual(['Sunrise', 'Sunset ride', 'Skyline']);
    const order = async (seed: number) => (await searchMarkers(h.store, { sort: 'random', seed })).hits.map((hit) => hit.title);
    // Seed 2 shuffles these three otherwise than the default seed, so a seed left out would show.
    expect(await order(2)).not.toEqual(await order(0));
    expect(await titles(['--sort', 'random', '--seed', '2'])).toEqual(await order(2));
  });

  it('names each hit’s cached screenshot from the cache sync:stash filled: its file, "not generated in Stash", or nothing', async () => {
    const lib = library();
    h = await startHarness({ dialect, library: lib });
    const config = mkdtempSync(join(tmpdir(), 'stash-mirror-search-config-'));
    try {
      const env = { XDG_CONFIG_HOME: config };
      const [sunset, sunrise, skyline] = [...lib.markers.keys()];
      h.fake.media.ungenerated.add(sunrise!);
      expect((await runCli('src/cli/sync-stash.ts', ['--stash-url', h.fake.url, ...h.database.cliArgs], env)).code).toBe(0);
      // A marker added since the last picture step has no cached screenshot yet.
      lib.createMarker({
        sceneId: lib.markers.get(skyline!)!.sceneId,
        primaryTagId: lib.markers.get(skyline!)!.primaryTagId,
        title: 'Starlight',
        seconds: 90,
      });
      expect((await runCli('src/cli/sync-stash.ts', ['--stash-url', h.fake.url, ...h.database.cliArgs, '--no-media'], env)).code).toBe(0);

      const json = await runCli(SCRIPT, [...h.database.cliArgs, '--json'], env);
      expect(json.stderr).toBe('');
      const hits = JSON.parse(json.stdout).hits as {
        id: number;
        title: string;
        cachedScreenshot: { path: string | null; notGenerated: boolean } | null;
      }[];
      const byTitle = new Map(hits.map((hit) => [hit.title, hit.cachedScreenshot]));
      const file = byTitle.get('Sunset ride')!.path!;
      expect(byTitle.get('Sunset ride')).toEqual({ path: expect.stringContaining(`marker-screenshot-${sunset}-`), notGenerated: false });
      expect(existsSync(file)).toBe(true);
      const cacheDir = dialect === 'sqlite' ? `${h.database.cliArgs[1]}.media` : join(config, 'Stash Mirror', 'media');
      expect(file.startsWith(join(cacheDir, 'files'))).toBe(true);
      expect(byTitle.get('Sunrise')).toEqual({ path: null, notGenerated: true });
      expect(byTitle.get('Starlight')).toBeNull();

      const table = await runCli(SCRIPT, [...h.database.cliArgs], env);
      expect(table.stdout).toMatch(/^marker\s.*\sperformers\s+screenshot$/m);
      expect(table.stdout).toContain(`  ${file}`);
      expect(table.stdout).toMatch(/Sunrise.*not generated in Stash/);
      expect(table.stdout.split('\n').find((line) => line.includes('Starlight'))).not.toMatch(/not generated|marker-screenshot/);
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });

  it('tells the user to sync first when the mirror is empty', async () => {
    h = await startHarness({ dialect, library: library() });
    const empty = await runCli(SCRIPT, [...h.database.cliArgs, 'sun']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/empty: run npm run sync:stash first/);
  });
});
