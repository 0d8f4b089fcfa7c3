/**
 * `npm run bench`: sync figures on a large library served by the fake Stash over loopback.
 * The fake Stash runs in its own process, and each measured step in another, so the two cores
 * split server and client as they would on a real network.
 */
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import pg from 'pg';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { SYNC_PROCESS_FLAGS } from '../src/core/runtime-flags';

const ROOT = resolve(import.meta.dirname, '..');
const SIZE = process.env.BENCH_SIZE ?? 'bench';

interface Figures {
  mode: string;
  seconds: number;
  /** Of seconds, the sync's last step: bringing the search up to date (tag closure). */
  indexSeconds: number;
  requests: number;
  megabytes: number;
  peakRssMb: number;
  /** CPU time of the measuring process (all its threads), and of the fake Stash during the step. */
  cpuSeconds: number;
  serverCpuSeconds: number | null;
  /** Of cpuSeconds: the sync's own thread, the store's (SQLite's worker), and V8's and libuv's helpers. */
  threads: { main: number; store: number; helpers: number } | null;
  rows: Record<string, number>;
}

/** CPU seconds a process has used so far, from /proc (Linux); null where there is none. */
function cpuSecondsOf(pid: number | undefined): number | null {
  try {
    // Fields after "pid (name) ": state first, then utime and stime at 12th and 13th place.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function tsx(script: string, args: string[]) {
  return node(['--import', 'tsx', resolve(ROOT, script)], args);
}

/** A measured sync runs with the flags the CLI and the app run theirs with. */
function syncProcess(entry: string[], args: string[]) {
  return node([...SYNC_PROCESS_FLAGS, ...entry], args);
}

function node(entry: string[], args: string[]) {
  return spawn(process.execPath, [...entry, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
}

/**
 * The engine as the desktop app runs it: bundled JavaScript, the SQLite worker beside it. Run
 * from source through the TypeScript loader, every thread also carries the loader's own memory.
 */
async function bundleWorker(outdir: string): Promise<string> {
  await build({
    entryPoints: [resolve(ROOT, 'bench/sync-worker.ts'), resolve(ROOT, 'src/core/db/sqlite-worker.ts')],
    entryNames: '[name]',
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  return join(outdir, 'sync-worker.js');
}

interface Server {
  url: string;
  pid: number | undefined;
  stop: () => void;
}

async function startServer(latencyMs = 0): Promise<Server> {
  const child = tsx('tools/fake-stash/cli.ts', ['--size', SIZE, '--seed', '1', '--port', '0', '--latency-ms', String(latencyMs), '--json']);
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout }).once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`fake Stash exited with ${code}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, pid: child.pid, stop: () => child.kill('SIGTERM') };
}

/** db: a SQLite file, or a postgres:// URL. */
async function step(mode: string, url: string, db: string, record: string, fromSource = false, stash: Server = server): Promise<Figures> {
  const where = db.startsWith('postgres') ? ['--database-url', db] : ['--db', db];
  const args = ['--mode', mode, '--url', url, ...where, '--record', record, '--migrations', MIGRATIONS, '--pg-migrations', PG_MIGRATIONS];
  const child = syncProcess(fromSource ? ['--import', 'tsx', resolve(ROOT, 'bench/sync-worker.ts')] : [bundled], args);
  const serverCpuBefore = cpuSecondsOf(stash.pid);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`${mode} step failed with exit code ${code}`);
  const serverCpuAfter = cpuSecondsOf(stash.pid);
  const figures = JSON.parse(out.trim().split('\n').pop()!) as Omit<Figures, 'serverCpuSeconds'>;
  return { ...figures, serverCpuSeconds: serverCpuBefore === null || serverCpuAfter === null ? null : serverCpuAfter - serverCpuBefore };
}

const cpu = (f: Figures) => `${f.cpuSeconds.toFixed(1)} + ${f.serverCpuSeconds?.toFixed(1) ?? '?'} s`;

function cpuByThread(f: Figures): string {
  if (!f.threads) return 'not measured (no /proc)';
  const { main, store, helpers } = f.threads;
  return `fetching and sync ${main.toFixed(1)}${store ? ` + SQLite writer ${store.toFixed(1)}` : ''} + GC and I/O helpers ${helpers.toFixed(1)} s`;
}

/**
 * However well the work overlaps, a step takes at least all its CPU (its own and the fake Stash's)
 * spread over every core.
 */
function cpuBound(f: Figures): number | null {
  return f.serverCpuSeconds === null ? null : (f.cpuSeconds + f.serverCpuSeconds) / cpus().length;
}

/**
 * `SYNC_BENCH_PART=no-change` runs only what the no-change line needs (a first sync, then three
 * no-change syncs) and prints that line; by default every part runs.
 */
const PART = process.env.SYNC_BENCH_PART ?? 'all';

/** Pages of (id, updated_at) a recorded sync requested: the listings, not their one-row brackets nor the files query's. */
function listingPagesOf(record: string): number {
  const requests = JSON.parse(readFileSync(record, 'utf8')) as {
    document: string;
    variables: { filter?: { per_page?: number }; scene_filter?: unknown };
  }[];
  return requests.filter((r) => /query \w+Listing\b/.test(r.document) && (r.variables.filter?.per_page ?? 0) > 1 && !r.variables.scene_filter).length;
}

/** Three no-change syncs in a row, like the full ones best of three: one slow moment is not the figure. */
async function noChangeSyncs(db: string): Promise<{ runs: Figures[]; best: Figures; listingPages: number }> {
  const runs: Figures[] = [];
  for (let run = 0; run < 3; run++) runs.push(await step('incremental', server.url, db, join(dir, `nc${run}.json`)));
  const bestRun = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return { runs, best: bestRun, listingPages: listingPagesOf(join(dir, `nc${runs.indexOf(bestRun)}.json`)) };
}

function noChangeLine({ runs, best, listingPages }: Awaited<ReturnType<typeof noChangeSyncs>>): string {
  const again = ['performers', 'tags', 'studios', 'scenes', 'markers'].map((e) => `${e} ${best.rows[e] ?? 0}`).join(', ');
  return (
    `no-change sync:       ${best.seconds.toFixed(2)} s  (${best.requests} requests: ${listingPages} listing pages + ${best.requests - listingPages}; ` +
    `target ≤ 0.5 s and ≤ listing pages + 4; rows fetched again: ${again}; runs: ${runs.map((r) => r.seconds.toFixed(2)).join(', ')} s)`
  );
}

const dir = mkdtempSync(join(tmpdir(), 'stash-mirror-bench-'));
const MIGRATIONS = resolve(ROOT, 'drizzle/sqlite');
const PG_MIGRATIONS = resolve(ROOT, 'drizzle/pg');
/** A PostgreSQL server the benchmark may create a database on; without one it reports SQLite only. */
const PG_SERVER = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || '';
/**
 * A Stash on another machine answers a page in tens of milliseconds at least (its own query, the
 * network): the second measurement gives every answer this much, so that they set the pace.
 */
const REMOTE_LATENCY_MS = 20;

async function withPgDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `stash_mirror_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(PG_SERVER);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
// Bundled inside the project so the bundle resolves packages from its node_modules.
const bundled = await bundleWorker(resolve(ROOT, '.bench'));
const t0 = performance.now();
const server = await startServer();
const generated = (performance.now() - t0) / 1000;
try {
  if (PART === 'no-change') {
    await step('full', server.url, join(dir, 'c.db'), join(dir, 'c.json'));
    console.log(noChangeLine(await noChangeSyncs(join(dir, 'c.db'))));
  } else {
    await allParts();
  }
} finally {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function allParts(): Promise<void> {
  const record = join(dir, 'requests.json');
  // The first full sync also records the requests the fetch-only runs replay. Full and fetch-only
  // runs alternate, so a drift in the machine's speed touches both alike; each pair gives a ratio.
  const fullRuns = [await step('full', server.url, join(dir, 'a.db'), record)];
  const fetchRuns = [await step('fetch-only', server.url, '', record)];
  for (const run of ['b', 'c']) {
    fullRuns.push(await step('full', server.url, join(dir, `${run}.db`), join(dir, `${run}.json`)));
    fetchRuns.push(await step('fetch-only', server.url, '', record));
  }
  const noChange = await noChangeSyncs(join(dir, 'c.db'));
  const fromSource = await step('full', server.url, join(dir, 'd.db'), join(dir, 'd.json'), true);
  // Best of three, each into a new database, like the SQLite figure it is compared with.
  const postgres = PG_SERVER ? { fullRuns: [] as Figures[], noChange: null as Figures | null } : null;
  for (let run = 0; postgres && run < 3; run++) {
    await withPgDatabase(async (db) => {
      postgres.fullRuns.push(await step('full', server.url, db, join(dir, `e${run}.json`)));
      if (run === 2) postgres.noChange = await step('incremental', server.url, db, join(dir, 'f.json'));
    });
  }

  // Against a Stash with REMOTE_LATENCY_MS per answer: a full sync and a fetch-only replay, twice, alternating.
  server.stop();
  const remote = await startServer(REMOTE_LATENCY_MS);
  const remoteRuns: { full: Figures; fetch: Figures }[] = [];
  try {
    for (const run of ['r1', 'r2']) {
      const full = await step('full', remote.url, join(dir, `${run}.db`), join(dir, `${run}.json`), false, remote);
      remoteRuns.push({ full, fetch: await step('fetch-only', remote.url, '', join(dir, `${run}.json`), false, remote) });
    }
  } finally {
    remote.stop();
  }

  const best = (runs: Figures[]) => Math.min(...runs.map((r) => r.seconds));
  const fullBest = fullRuns.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const full = fullBest.seconds;
  const fetchOnly = best(fetchRuns);
  const fetchBest = fetchRuns.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const bound = cpuBound(fullBest);
  const library = fullRuns[1]!.rows;
  const lines = [
    `machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    `library: ${library.stash_performers} performers, ${library.stash_tags} tags, ${library.stash_scenes} scenes, ${library.stash_scene_markers} markers (generated and served in ${generated.toFixed(1)} s)`,
    `full sync:            ${full.toFixed(2)} s  (${fullRuns[1]!.requests} requests, ${fullRuns[1]!.megabytes.toFixed(0)} MB; runs: ${fullRuns.map((r) => r.seconds.toFixed(2)).join(', ')} s)`,
    `fetch + parse only:   ${fetchOnly.toFixed(2)} s  (same requests, as many in flight as the sync keeps; runs: ${fetchRuns.map((r) => r.seconds.toFixed(2)).join(', ')} s)`,
    `  of which the last step (tag closure; each page indexed its own words): ${fullBest.indexSeconds.toFixed(2)} s`,
    `ratio:                ${(full / fetchOnly).toFixed(2)}x  (target ≤ 1.3x; run by run: ${fullRuns.map((r, i) => (r.seconds / fetchRuns[i]!.seconds).toFixed(2)).join(', ')}x)`,
    `CPU seconds (sync process, all threads + fake Stash; two cores give 2 per second): full sync ${cpu(fullBest)}, fetch only ${cpu(fetchBest)}`,
    `  by thread: full sync ${cpuByThread(fullBest)}; fetch only ${cpuByThread(fetchBest)}`,
    `  the full sync's CPU over ${cpus().length} cores: ${bound === null ? 'not measured' : `${bound.toFixed(2)} s, ${(bound / fetchOnly).toFixed(2)}x the fetch-only time: no full sync of this work can be faster here`}`,
    noChangeLine(noChange),
    `peak RSS, full sync:  ${Math.max(...fullRuns.map((r) => r.peakRssMb)).toFixed(0)} MB  (target < 300 MB)`,
    `peak RSS, no-change:  ${Math.max(...noChange.runs.map((r) => r.peakRssMb)).toFixed(0)} MB`,
    `from source via tsx (as npm run sync:stash): full sync ${fromSource.seconds.toFixed(2)} s, peak RSS ${fromSource.peakRssMb.toFixed(0)} MB`,
  ];
  if (postgres?.noChange) {
    const pgFull = best(postgres.fullRuns);
    lines.push(
      `PostgreSQL full sync: ${pgFull.toFixed(2)} s  (${(pgFull / full).toFixed(2)}x SQLite's best; target ≤ 2x; runs: ${postgres.fullRuns.map((r) => r.seconds.toFixed(2)).join(', ')} s), ` +
        `peak RSS ${Math.max(...postgres.fullRuns.map((r) => r.peakRssMb)).toFixed(0)} MB`,
      `PostgreSQL no-change: ${postgres.noChange.seconds.toFixed(2)} s  (${postgres.noChange.requests} requests)`,
    );
  } else {
    lines.push('PostgreSQL: not measured (set BENCH_DATABASE_URL or TEST_DATABASE_URL to a server that may create databases)');
  }
  const remoteFull = best(remoteRuns.map((r) => r.full));
  const remoteFetch = best(remoteRuns.map((r) => r.fetch));
  lines.push(
    `with ${REMOTE_LATENCY_MS} ms per answer (a Stash on another machine): full sync ${remoteFull.toFixed(2)} s, fetch + parse only ` +
      `${remoteFetch.toFixed(2)} s, ratio ${(remoteFull / remoteFetch).toFixed(2)}x (run by run: ` +
      `${remoteRuns.map((r) => (r.full.seconds / r.fetch.seconds).toFixed(2)).join(', ')}x)`,
  );
  console.log(lines.join('\n'));
}
