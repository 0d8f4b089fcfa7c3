/**
 * One measured step of the sync benchmark, in its own process so its peak RSS is its own:
 *   full         a full sync into a new database, recording every request it sends
 *   fetch-only   the recorded requests sent again, responses fetched and JSON-parsed, nothing else,
 *                with as many requests in flight ahead as the sync keeps (PAGES_AHEAD)
 *   incremental  a sync of an existing database
 * Prints one JSON line of figures.
 */
import { readFileSync, writeFileSync } from 'node:fs';
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
const client = new StashClient({ url: values.url! });
const started = performance.now();
let rows: Record<string, number> = {};
let finished = 0;
let indexSeconds = 0;

if (values.mode === 'fetch-only') {
  const requests = JSON.parse(readFileSync(values.record!, 'utf8')) as Recorded[];
  // In order, the next PAGES_AHEAD already sent while one is parsed: the sync's own pipelining.
  const answers: Promise<unknown>[] = [];
  const send = (i: number) => {
    if (i < requests.length && !answers[i]) answers[i] = client.query(requests[i]!.document, requests[i]!.variables);
  };
  for (let i = 0; i < requests.length; i++) {
    for (let ahead = i; ahead <= i + PAGES_AHEAD; ahead++) send(ahead);
    await answers[i];
    delete answers[i];
  }
  finished = performance.now();
} else {
  const recorded: Recorded[] = [];
  const send = client.query.bind(client);
  client.query = (document, variables, signal) => {
    recorded.push({ document, variables });
    return send(document, variables, signal);
  };
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
    const [row] = await store.read<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE NOT is_stale`);
    rows[table] = Number(row?.n);
  }
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
    rows,
  }),
);
