/**
 * The search benchmark's cold start, in a process of its own so its peak memory is the searching
 * process's alone (not the sync's, nor the benchmark's): opens a mirror, times the first search,
 * runs every query shape once, and prints one JSON line with the first search's time and the
 * process's peak RSS.
 *
 *   tsx bench/search-cold-start.ts <sqlite file | postgres url> '<JSON list of query inputs>'
 */
import { openMirrorStore } from '../src/core/db/open';
import type { MarkerQueryInput } from '../src/core/search/query';
import { searchMarkers } from '../src/core/search/search';

export interface ColdStart {
  /** Opening the mirror (from source: the SQLite worker thread compiles its TypeScript first). */
  openMs: number;
  /** From the mirror opened to the first search's answer. */
  firstSearchMs: number;
  /** Peak resident memory of this process, the mirror's worker thread included, after every shape ran once. */
  peakRssMb: number;
}

const [location = '', shapesJson = '[]'] = process.argv.slice(2);
const inputs = JSON.parse(shapesJson) as MarkerQueryInput[];
const started = performance.now();
const store = await openMirrorStore(/^postgres(ql)?:/.test(location) ? { databaseUrl: location } : { file: location });
try {
  const opened = performance.now();
  await searchMarkers(store, {});
  const firstSearchMs = performance.now() - opened;
  for (const input of inputs) await searchMarkers(store, input);
  const result: ColdStart = { openMs: opened - started, firstSearchMs, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  console.log(JSON.stringify(result));
} finally {
  await store.close();
}
