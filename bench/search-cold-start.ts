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
  /** From opening the mirror to the first search's answer. */
  firstSearchMs: number;
  /** Peak resident memory of this process, the mirror's worker thread included, after every shape ran once. */
  peakRssMb: number;
}

const [location = '', shapesJson = '[]'] = process.argv.slice(2);
const inputs = JSON.parse(shapesJson) as MarkerQueryInput[];
const started = performance.now();
const store = await openMirrorStore(/^postgres(ql)?:/.test(location) ? { databaseUrl: location } : { file: location });
try {
  await searchMarkers(store, {});
  const firstSearchMs = performance.now() - started;
  for (const input of inputs) await searchMarkers(store, input);
  const result: ColdStart = { firstSearchMs, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  console.log(JSON.stringify(result));
} finally {
  await store.close();
}
