/**
 * The media step's figures: screenshots per second against the fake Stash answering every request
 * 20 ms late (as over a network), and the metadata sync's time with and without the step after it.
 * The fake runs in its own process. MEDIA_BENCH_PICTURES caps the pictures fetched (default 3000),
 * so the figure does not take the whole library's hour on a shared machine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { openMirrorStore } from '../src/core/db/open';
import type { MirrorStore } from '../src/core/db/store';
import { MediaCache } from '../src/core/media/media-cache';
import { runMediaStep } from '../src/core/media/media-step';
import { StashClient } from '../src/core/stash/client';
import { syncStash } from '../src/core/sync/engine';

const ROOT = resolve(import.meta.dirname, '..');
const SIZE = process.env.BENCH_SIZE ?? 'bench';
const LATENCY_MS = 20;
const PICTURES = Number(process.env.MEDIA_BENCH_PICTURES ?? 3000);
const LOOKUPS = 100_000;

async function startServer(): Promise<{ url: string; stop: () => void }> {
  const args = [
    '--import',
    'tsx',
    resolve(ROOT, 'tools/fake-stash/cli.ts'),
    '--size',
    SIZE,
    '--seed',
    '1',
    '--port',
    '0',
    '--latency-ms',
    String(LATENCY_MS),
    '--json',
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout }).once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`fake Stash exited with ${code}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, stop: () => child.kill('SIGTERM') };
}

async function timedSync(url: string, file: string): Promise<{ store: MirrorStore; seconds: number }> {
  const store = await openMirrorStore({ file });
  const started = performance.now();
  await syncStash({ client: new StashClient({ url }), store });
  return { store, seconds: (performance.now() - started) / 1000 };
}

/** The mirror cut to the first PICTURES markers' screenshots (and no performers): the throughput figure. */
function capped(store: MirrorStore, lastId: number): MirrorStore {
  return Object.assign(Object.create(store) as MirrorStore, {
    mediaMarkers: async (after: number | null, limit: number) => (await store.mediaMarkers(after, limit)).filter((m) => m.id <= lastId),
    mediaPerformers: async () => [],
  });
}

/** Lookups per second over the cached screenshots, by a reader of its own as the host is: LOOKUPS of them, round-robin. */
function lookupRate(cacheDir: string, ids: readonly number[]): number {
  const reader = MediaCache.open(cacheDir, { budgetBytes: 4 * 1024 ** 3 });
  try {
    const started = performance.now();
    for (let i = 0; i < LOOKUPS; i++) reader.lookup('marker-screenshot', ids[i % ids.length]!);
    return LOOKUPS / ((performance.now() - started) / 1000);
  } finally {
    reader.close();
  }
}

const server = await startServer();
const dir = mkdtempSync(join(tmpdir(), 'media-bench-'));
try {
  const alone = await timedSync(server.url, join(dir, 'alone.db'));
  await alone.store.close();

  const withStep = await timedSync(server.url, join(dir, 'with-step.db'));
  const cache = MediaCache.open(join(dir, 'media'), { budgetBytes: 4 * 1024 ** 3 });
  const ids = (await withStep.store.mediaMarkers(null, PICTURES)).map((m) => m.id);
  const started = performance.now();
  const summary = await runMediaStep(capped(withStep.store, ids.at(-1)!), { stashUrl: server.url, cache, includePreviews: false });
  const stepSeconds = (performance.now() - started) / 1000;
  cache.close();
  const lookups = lookupRate(join(dir, 'media'), ids);
  await withStep.store.close();

  const pictures = summary.downloaded + summary.placeholders;
  console.log(`library ${SIZE}, fake Stash ${LATENCY_MS} ms late per request, pool of 4`);
  console.log(
    `media step: ${pictures} screenshots (${summary.placeholders} not generated) in ${stepSeconds.toFixed(1)} s = ${(pictures / stepSeconds).toFixed(0)} per second, ${(summary.bytes / 1024 / 1024).toFixed(1)} MB`,
  );
  console.log(`cache lookups (as the host answers a picture request): ${lookups.toFixed(0)} per second`);
  console.log(
    `metadata sync alone: ${alone.seconds.toFixed(1)} s; with the media step after it: ${withStep.seconds.toFixed(1)} s (the sync's own time)`,
  );
} finally {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
