/**
 * V8 flags for every process that runs a sync: the CLI, the headless host, the desktop app's
 * mirror process, the benchmarks that stand in for them. A sync parses page after page of JSON and
 * drops it a moment later, and V8 lets garbage pile up in proportion to its heap limit, which on a
 * machine with plenty of memory is several gigabytes: a large first sync peaked at 300–340 MB.
 * Smaller semi-spaces collect short-lived garbage sooner; a 1 GB old-space limit — far above what a
 * sync or the search index of a 500,000-marker library keeps alive — makes V8 grow the heap
 * cautiously. Together: about 250 MB, for no measurable time.
 * package.json's scripts start their command through scripts/with-sync-flags.mjs, which reads them here.
 */
export const SYNC_PROCESS_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=1024'];
