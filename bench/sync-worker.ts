/**
 * One measured step of the sync benchmark, in its own process so its peak RSS is its own:
 *   full         a full sync into a new database, recording every request it sends
 *   fetch-only   the recorded requests sent again, responses fetched and JSON-parsed, nothing else,
 *                with as many requests in flight ahead as the sync keeps (PAGES_AHEAD)
 *   incremental  a sync of an existing database
 * Prints one JSON line of figures.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openMirrorStore } from '../src/core/db/open';
import { StashClient } from '../src/core/stash/client';
import { PAGES_AHEAD, syncStash } from '../src/core/sync/engine';

interface Recorded {
  document: string;
  variables: Record<string, unknown>;
}

const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    url: { type: 'string' },
    db: { type: 'string' },
    record: { type: 'string' },
    migrations: { type: 'string' },
    'database-url': { type: 'string' },
    'pg-migrations': { type: 'string' },
  },
});
/** CPU seconds of each thread of this process so far, by thread id, from /proc (Linux; empty elsewhere). */
function threadCpuSeconds(): Map<number, number> {
  const threads = new Map<number, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // After "tid (name) ": state first, then utime and stime at 12th and 13th place.
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      threads.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / 100);
    }
  } catch {
    // No /proc: the figures say null.
  }
  return threads;
}

/**
 * Where the CPU went: this thread (fetching, parsing, and the sync's own logic), the threads the
 * store started (SQLite's worker), and the rest (V8's garbage collection and libuv's helpers).
 */
function cpuByThread(storeThreads: ReadonlySet<number>): { main: number; store: number; helpers: number } | null {
  const threads = threadCpuSeconds();
  if (threads.size === 0) return null;
  const split = { main: 0, store: 0, helpers: 0 };
  for (const [tid, seconds] of threads) {
    if (tid === process.pid) split.main += seconds;
    else if (storeThreads.has(tid)) split.store += seconds;
    else split.helpers += seconds;
  }
  return split;
}

const ROOT_FILE = import.meta.filename;
const client = new StashClient({ url: values.url! });
const started = performance.now();
let rows: Record<string, number> = {};
let finished: number;
let indexSeconds = 0;
let threads: ReturnType<typeof cpuByThread>;

if (values.mode === 'fetch-only') {
  const requests = JSON.parse(readFileSync(values.record!, 'utf8')) as Recorded[];
  // In order, the next PAGES_AHEAD already sent while one is parsed: the sync's own pipelining.
  // A page answered is dropped at once, so the recording's answers are not all held together.
  const answers: (Promise<unknown> | undefined)[] = [];
  const send = (i: number) => {
    if (i < requests.length && !answers[i]) answers[i] = client.query(requests[i]!.document, requests[i]!.variables);
  };
  for (let i = 0; i < requests.length; i++) {
    for (let ahead = i; ahead <= i + PAGES_AHEAD; ahead++) send(ahead);
    await answers[i];
    answers[i] = undefined;
  }
  finished = performance.now();
  threads = cpuByThread(new Set());
} else {
  const recorded: Recorded[] = [];
  const send = client.query.bind(client);
  client.query = (document, variables, signal) => {
    recorded.push({ document, variables });
    return send(document, variables, signal);
  };
  // libuv starts its thread pool at the first task: start it now, so only the store's threads are new.
  await stat(ROOT_FILE);
  const threadsBefore = new Set(threadCpuSeconds().keys());
  // The store the CLI and the app use: SQLite with its connection in a worker thread, or PostgreSQL.
  const store = await openMirrorStore({
    file: values.db,
    databaseUrl: values['database-url'],
    migrationsFolder: values.migrations,
    pgMigrationsFolder: values['pg-migrations'],
  });
  const summary = await syncStash({ client, store, full: values.mode === 'full' });
  finished = performance.now();
  rows = Object.fromEntries(summary.entities.map((e) => [e.entity, e.fetched]));
  indexSeconds = summary.searchIndexSeconds;
  for (const table of ['stash_performers', 'stash_tags', 'stash_scenes', 'stash_scene_markers']) {
    const [row] = await store.readForTests<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE NOT is_stale`);
    rows[table] = Number(row?.n);
  }
  // Before the store closes: its worker thread ends with it.
  threads = cpuByThread(new Set([...threadCpuSeconds().keys()].filter((tid) => !threadsBefore.has(tid))));
  await store.close();
  if (values.record) writeFileSync(values.record, JSON.stringify(recorded));
}

const seconds = (finished - started) / 1000;
console.log(
  JSON.stringify({
    mode: values.mode,
    seconds,
    indexSeconds,
    requests: client.stats.requests,
    megabytes: client.stats.bytes / 1e6,
    // Both threads; the row counts read afterwards are small.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    // Every thread of this process, start-up included.
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    threads,
    rows,
  }),
);
