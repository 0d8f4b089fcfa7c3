/** `npm run sync:stash`, run as a separate process against the fake Stash and a real database. */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSyncCommand } from '../src/cli/sync-stash';
import { DELETIONS_LEFT, growPerformersWhileListed } from '../tools/fake-stash';
import { describeEachDialect, expectMirrorEqualsLibrary, startHarness, type Harness } from './support/harness';
import { cliEnv, PROJECT_ROOT, runCli, startCli, waitFor } from './support/cli';

const SCRIPT = 'src/cli/sync-stash.ts';
let h: Harness;
afterEach(async () => h?.close());

/** Polls a count while another process syncs; reads go through the test's own connection. */
async function waitForCount(sql: string, what: string, timeoutMs: number): Promise<void> {
  await waitFor(async () => Number(await h.value(sql)) > 0, timeoutMs, what);
}

describe('sync:stash arguments', () => {
  it('rejects bad arguments with usage and exit code 2', async () => {
    const result = await runCli(SCRIPT, ['--entities', 'scenes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No Stash URL/);
    expect(() => parseSyncCommand(['--stash-url', 'http://x', '--entities', 'scenes,galleries'], {})).toThrow(/Unknown entities: galleries/);
  });

  it('caps each answer at 256 MiB unless --max-response-mb says otherwise, and refuses a cap that is no number', () => {
    expect(parseSyncCommand(['--stash-url', 'http://x'], {}).maxResponseBytes).toBe(256 * 1024 * 1024);
    expect(parseSyncCommand(['--stash-url', 'http://x', '--max-response-mb', '2'], {}).maxResponseBytes).toBe(2 * 1024 * 1024);
    for (const bad of ['0', '-1', '1.5', 'lots']) {
      expect(() => parseSyncCommand(['--stash-url', 'http://x', `--max-response-mb=${bad}`], {})).toThrow(/--max-response-mb takes a whole number/);
    }
  });

  it('reads the environment equivalents', () => {
    const command = parseSyncCommand([], {
      STASH_URL: 'http://stash:9999/graphql',
      STASH_API_KEY: 'k',
      STASH_MIRROR_DB: '/tmp/m.db',
      DATABASE_URL: 'postgres://x/y',
    });
    expect(command).toMatchObject({ stashUrl: 'http://stash:9999/graphql', apiKey: 'k', mirror: { databaseUrl: 'postgres://x/y' } });
    expect(parseSyncCommand([], { STASH_URL: 'http://s', STASH_MIRROR_DB: '/tmp/m.db' }).mirror).toEqual({ file: '/tmp/m.db' });
    expect(parseSyncCommand([], { STASH_URL: 'http://s', XDG_CONFIG_HOME: '/cfg' }).mirror.file).toMatch(/^\/cfg\/Stash Mirror\/stash-mirror\.db$/);
  });

  it('lets an option beat every environment variable, and refuses --db with --database-url', () => {
    const env = { STASH_URL: 'http://s', STASH_MIRROR_DB: '/tmp/env.db', DATABASE_URL: 'postgres://env/mirror' };
    expect(parseSyncCommand(['--db', '/tmp/mine.db'], env).mirror).toEqual({ file: '/tmp/mine.db' });
    expect(parseSyncCommand(['--database-url', 'postgres://mine/mirror'], env).mirror).toEqual({ databaseUrl: 'postgres://mine/mirror' });
    expect(() => parseSyncCommand(['--db', '/tmp/mine.db', '--database-url', 'postgres://mine/mirror'], env)).toThrow(
      /either --db .* or --database-url/,
    );
  });

  it('prints its usage on stdout and succeeds with --help', async () => {
    const result = await runCli(SCRIPT, ['--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: npm run sync:stash/);
  });

  it('runs when started through a symlinked folder whose path has a space', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'stash mirror '));
    try {
      symlinkSync(PROJECT_ROOT, join(folder, 'checkout'));
      const result = await runCli(join(folder, 'checkout', SCRIPT), ['--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: npm run sync:stash/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describeEachDialect('sync:stash', (dialect) => {
  it('syncs and prints one JSON summary on stdout with --json', async () => {
    h = await startHarness({ dialect, apiKey: 'secret-key-42' });
    const result = await runCli(SCRIPT, ['--stash-url', h.fake.url, ...h.database.cliArgs, '--json'], {
      STASH_API_KEY: 'secret-key-42',
    });
    expect(result.stderr).not.toContain('secret-key-42');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.entities.map((e: { entity: string }) => e.entity)).toEqual(['performers', 'tags', 'studios', 'scenes', 'markers']);
    expect(summary.entities[4]).toMatchObject({ fetched: h.library.markers.size, staleMarked: 0 });
    expect(result.stdout).not.toContain('secret-key-42');
    await expectMirrorEqualsLibrary(h.store, h.library);
  });

  it('caches pictures after the sync with their counts in --json, and skips them with --no-media', async () => {
    h = await startHarness({ dialect });
    const dataHome = mkdtempSync(join(tmpdir(), 'stash-mirror-cli-media-'));
    try {
      const env = { XDG_CONFIG_HOME: dataHome };
      const skipped = await runCli(SCRIPT, ['--stash-url', h.fake.url, ...h.database.cliArgs, '--json', '--no-media'], env);
      expect(skipped.code).toBe(0);
      expect(JSON.parse(skipped.stdout).media).toBeNull();
      expect(h.fake.media.requests).toHaveLength(0);

      const cached = await runCli(SCRIPT, ['--stash-url', h.fake.url, ...h.database.cliArgs, '--json'], env);
      expect(cached.code).toBe(0);
      const { media } = JSON.parse(cached.stdout);
      expect(media).toMatchObject({ cancelled: false, failed: 0 });
      expect(media.downloaded).toBeGreaterThan(0);
      expect(media.placeholders).toBeGreaterThan(0);
      expect(media.done).toBe(media.total);
      // History keeps the step's counts on the run; the run without the step has none.
      const runs = await h.store.listRuns(50);
      const { runId } = JSON.parse(cached.stdout);
      const { downloaded, alreadyCached, placeholders, failed, removed } = media;
      expect(runs.filter((run) => run.runId === runId).map((run) => run.pictures)).toEqual(
        runs.filter((run) => run.runId === runId).map(() => ({ downloaded, alreadyCached, placeholders, failed, removed })),
      );
      expect(runs.filter((run) => run.runId === JSON.parse(skipped.stdout).runId).every((run) => run.pictures === null)).toBe(true);
    } finally {
      rmSync(dataHome, { recursive: true, force: true });
    }
  });

  it('prints what the sync left for the next one on stderr, and in the --json summary', async () => {
    h = await startHarness({ dialect });
    growPerformersWhileListed(h.fake);
    const result = await runCli(SCRIPT, ['--stash-url', h.fake.url, ...h.database.cliArgs, '--entities', 'performers', '--json']);
    expect(result.code).toBe(0);
    // One log line: "<time> WARN  sync: <the warning>".
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^\S+ WARN {2}sync: /)]);
    expect(result.stderr).toContain(`sync: ${DELETIONS_LEFT}`);
    expect(JSON.parse(result.stdout).warnings).toEqual([DELETIONS_LEFT]);
  });

  it('syncs into the mirror its option names even when DATABASE_URL names another', async () => {
    h = await startHarness({ dialect });
    const result = await runCli(SCRIPT, ['--stash-url', h.fake.url, ...h.database.cliArgs], {
      DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/elsewhere',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await expectMirrorEqualsLibrary(h.store, h.library);
  });

  it('prints a readable summary without --json and honours --entities', async () => {
    h = await startHarness({ dialect });
    const result = await runCli(SCRIPT, ['--stash-url', h.fake.url, ...h.database.cliArgs, '--entities', 'tags,performers']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/performers\s+fetched 60/);
    expect(result.stdout).toMatch(/tags\s+fetched 40/);
    expect(result.stdout).not.toMatch(/scenes/);
  });

  it('fails with one line naming the API key when it is refused, never printing it', async () => {
    h = await startHarness({ dialect, apiKey: 'right' });
    const keyFile = join(mkdtempSync(join(tmpdir(), 'key-')), 'key');
    writeFileSync(keyFile, 'wrong-secret-xyz\n');
    const result = await runCli(SCRIPT, ['--stash-url', h.fake.url, ...h.database.cliArgs, '--api-key-file', keyFile]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/API key/);
    expect(result.stderr + result.stdout).not.toContain('wrong-secret-xyz');
    // History shows the refused sync, as it does for one started in the app.
    const runs = await h.store.listRuns();
    expect(runs.map((run) => [run.entity, run.status]).sort()).toEqual([
      ['markers', 'failed'],
      ['performers', 'failed'],
      ['scenes', 'failed'],
      ['studios', 'failed'],
      ['tags', 'failed'],
    ]);
    for (const run of runs) expect(run.error).toMatch(/refused the API key/);
  });

  it('a second process is told "already running" with exit code 3', async () => {
    h = await startHarness({ dialect });
    h.fake.faults.inject('slow', { times: 1, delayMs: 8000, operationName: 'SceneRows' });
    const first = startCli(SCRIPT, ['--stash-url', h.fake.url, ...h.database.cliArgs]);
    await waitForCount("SELECT count(*) FROM stash_sync_runs WHERE entity = 'scenes'", 'the first sync to reach scenes', 30_000);
    const second = await runCli(SCRIPT, ['--stash-url', h.fake.url, ...h.database.cliArgs]);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/already running/);
    first.child.kill('SIGKILL');
    await first.done;
  });

  /** A sync in another process over a library whose marker pages each take 300 ms to answer. */
  async function startSlowMarkerSync() {
    h = await startHarness({ dialect, size: { performers: 60, tags: 40, scenes: 200, markers: 12_000 } });
    h.fake.faults.inject('slow', { times: 1000, delayMs: 300, operationName: 'MarkerRows' });
    return startCli(SCRIPT, ['--stash-url', h.fake.url, ...h.database.cliArgs]);
  }

  it('a sync killed mid-sync leaves whole pages only, re-runs safely and converges', async () => {
    const first = await startSlowMarkerSync();
    await waitForCount('SELECT count(*) FROM stash_scene_markers', 'markers to arrive', 60_000);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    h.fake.faults.clear();
    // Whole pages commit together in batches of 5000 rows: every marker that is there has exactly
    // its secondary tags.
    const markers = (await h.read<{ id: number }>('SELECT id FROM stash_scene_markers')).map((r) => r.id);
    expect(markers.length % 5000).toBe(0);
    expect(markers.length).toBeLessThan(12_000);
    const tags = await h.read<{ marker_id: number; tag_id: number }>('SELECT marker_id, tag_id FROM stash_scene_marker_tags');
    const tagsOf = new Map<number, number[]>();
    for (const t of tags) tagsOf.set(t.marker_id, [...(tagsOf.get(t.marker_id) ?? []), t.tag_id]);
    for (const id of markers) {
      const m = h.library.markers.get(id)!;
      const expected = [...new Set(m.tagIds)].filter((t) => t !== m.primaryTagId).sort((a, b) => a - b);
      expect((tagsOf.get(id) ?? []).sort((a, b) => a - b)).toEqual(expected);
    }
    // The metadata is what converges here: 12,000 screenshots would only slow the re-run down.
    const again = await runCli(SCRIPT, ['--stash-url', h.fake.url, ...h.database.cliArgs, '--json', '--no-media']);
    expect(again.code).toBe(0);
    await expectMirrorEqualsLibrary(h.store, h.library);
    const statuses = (await h.store.listRuns()).map((r) => `${r.entity}:${r.status}`);
    expect(statuses).toContain('markers:interrupted');
    expect(statuses).toContain('markers:succeeded');
  });

  it('Ctrl-C or SIGTERM cancels between pages: one line, exit 1, the run recorded as cancelled', async () => {
    const first = await startSlowMarkerSync();
    await waitForCount("SELECT count(*) FROM stash_sync_runs WHERE entity = 'markers'", 'the sync to reach markers', 60_000);
    first.child.kill('SIGTERM');
    const result = await first.done;
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe('Sync cancelled');
    const statuses = (await h.store.listRuns()).map((r) => `${r.entity}:${r.status}`);
    expect(statuses).toContain('markers:cancelled');
    expect(statuses).toContain('scenes:succeeded');
  });
});

describe('sync:stash without --db', () => {
  it('creates and migrates the mirror in the user-data folder on first use', async () => {
    h = await startHarness({ dialect: 'sqlite' });
    const config = mkdtempSync(join(tmpdir(), 'stash-mirror-config-'));
    try {
      const result = await runCli(SCRIPT, ['--stash-url', h.fake.url, '--json'], { XDG_CONFIG_HOME: config });
      expect(result.code).toBe(0);
      const mirror = new Database(join(config, 'Stash Mirror', 'stash-mirror.db'), { readonly: true });
      try {
        const markers = mirror.prepare('SELECT count(*) AS n FROM stash_scene_markers WHERE NOT is_stale').get() as { n: number };
        expect(markers.n).toBe(h.library.markers.size);
      } finally {
        mirror.close();
      }
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });
});

describe('sync:stash on a terminal', () => {
  /** The command under a pseudo-terminal (util-linux script), so it draws its bars; both streams come back together. */
  function runOnTerminal(args: string[]): Promise<{ code: number | null; output: string }> {
    const command = [process.execPath, '--import', 'tsx', SCRIPT, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      cwd: PROJECT_ROOT,
      env: cliEnv({ COLUMNS: '160' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
  }

  /** Each entity's bar as last drawn: "<done>/<total> <phase>", escape sequences removed. */
  function finalBars(output: string): Record<string, string> {
    // eslint-disable-next-line no-control-regex
    const text = output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    const bars: Record<string, string> = {};
    for (const match of text.matchAll(/(performers|tags|scenes|markers|pictures)\s*\|[^|]*\|\s*(\d+\/\d+ \w+)/g)) bars[match[1]!] = match[2]!;
    return bars;
  }

  /** The picture step's bar as the summary's picture counts should end it: "N/N done". */
  function picturesTotal(output: string): string {
    const match = /pictures\s+downloaded (\d+), already cached (\d+), not generated in Stash (\d+), failed (\d+)/.exec(output);
    if (!match) throw new Error(`No picture counts in:\n${output}`);
    const total = match.slice(1).reduce((sum, n) => sum + Number(n), 0);
    return `${total}/${total} done`;
  }

  /** "entity fetched N" from the summary, as the bars should end: "N/N done". */
  function summaryTotals(output: string): Record<string, string> {
    const totals: Record<string, string> = {};
    for (const match of output.matchAll(/^\s+(performers|tags|scenes|markers)\s+fetched (\d+),/gm))
      totals[match[1]!] = `${match[2]}/${match[2]} done`;
    return totals;
  }

  it('ends every bar at the total the summary prints, and names a first sync so', async () => {
    h = await startHarness({ dialect: 'sqlite' });
    const first = await runOnTerminal(['--stash-url', h.fake.url, ...h.database.cliArgs]);
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/^First sync from Stash/m);
    expect(Object.keys(summaryTotals(first.output))).toEqual(['performers', 'tags', 'scenes', 'markers']);
    const { pictures, ...entityBars } = finalBars(first.output);
    expect(entityBars).toEqual(summaryTotals(first.output));
    expect(pictures).toBe(picturesTotal(first.output));
    expect(picturesTotal(first.output)).not.toBe('0/0 done');

    // Stash lost rows since: the listing counts what is left, the summary what was fetched.
    for (const id of [...h.library.markers.keys()].slice(0, 25)) h.library.deleteMarker(id);
    const again = await runOnTerminal(['--stash-url', h.fake.url, ...h.database.cliArgs]);
    expect(again.code).toBe(0);
    expect(again.output).toMatch(/^Incremental sync from Stash/m);
    expect(again.output).toMatch(/markers\s+fetched \d+, upserted \d+, marked stale 25/);
    const { pictures: picturesAgain, ...entityBarsAgain } = finalBars(again.output);
    expect(entityBarsAgain).toEqual(summaryTotals(again.output));
    expect(picturesAgain).toBe(picturesTotal(again.output));
  });

  it('draws no picture bar with --no-media', async () => {
    h = await startHarness({ dialect: 'sqlite' });
    const result = await runOnTerminal(['--stash-url', h.fake.url, ...h.database.cliArgs, '--no-media']);
    expect(result.code).toBe(0);
    expect(finalBars(result.output).pictures).toBeUndefined();
    expect(finalBars(result.output).markers).toBeDefined();
  });
});
