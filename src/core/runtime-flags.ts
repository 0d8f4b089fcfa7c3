/**
 * V8 flags for every process that runs a sync: the CLI, the headless host, the desktop app's
 * mirror process, the benchmarks that stand in for them. A sync parses page after page of JSON and
 * drops it a moment later; with the default 16 MB semi-spaces that garbage lets the heap grow by
 * about 50 MB in a large first sync, with 8 MB it is collected sooner for a few percent of time.
 * package.json's scripts repeat these flags (npm scripts cannot import them).
 */
export const SYNC_PROCESS_FLAGS = ['--max-semi-space-size=8'];
