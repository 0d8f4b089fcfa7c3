/**
 * The desktop app's main-thread responsiveness during a full sync of the benchmark library:
 *   npx tsx bench/event-loop-bench.ts        (BENCH_SIZE=sample|bench|P,T,S,M, default bench)
 * This process plays Electron's main process: it runs the mirror service in a child process
 * through the app's own supervisor, RPC layer and utility-process entry logic (a Node child
 * process stands in for utilityProcess, which needs Electron), forwards every event as main
 * forwards them to the windows, and measures its own event-loop delay. Target: p99 < 50 ms.
 */
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createLogger, streamSink } from '../src/core/log';
import { SYNC_PROCESS_FLAGS } from '../src/core/runtime-flags';
import { createMirrorService } from '../src/core/service/mirror-service';
import { DEFAULT_SETTINGS, MemorySettingsRepository } from '../src/core/service/settings';
import { MirrorSupervisor } from '../src/main/mirror-supervisor';
import { serveMirrorProcess } from '../src/main/serve-mirror-process';
import { childProcessChannel, parentProcessChannel } from '../src/shared/rpc-channels';
import type { SyncOutcome } from '../src/shared/contract';

const ROOT = resolve(import.meta.dirname, '..');
const SIZE = process.env.BENCH_SIZE ?? 'bench';
const TARGET_P99_MS = 50;

/** The child: exactly what the utility process's entry (src/main/mirror-process.ts) does. */
async function runMirrorChild(): Promise<void> {
  await serveMirrorProcess(parentProcessChannel(), createMirrorService);
  process.exit(0);
}

async function startFakeStash(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(ROOT, 'tools/fake-stash/cli.ts'), '--size', SIZE, '--seed', '1', '--port', '0', '--json'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout }).once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`fake Stash exited with ${code}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, stop: () => child.kill('SIGTERM') };
}

/** The histogram's samples are whole timer intervals: the delay is what exceeds the interval. */
const RESOLUTION_MS = 1;
const delayMs = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - RESOLUTION_MS);

async function runMain(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stash-mirror-event-loop-'));
  const server = await startFakeStash();
  const events = { syncStatus: 0, syncFinished: 0, bytes: 0 };
  const supervisor = new MirrorSupervisor({
    launch() {
      const child = fork(import.meta.filename, ['--mirror-child'], {
        cwd: ROOT,
        execArgv: [...SYNC_PROCESS_FLAGS, '--import', 'tsx'],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      return { channel: childProcessChannel(child), kill: () => child.kill() };
    },
    start: { databaseFile: join(dir, 'mirror.db'), host: 'electron', version: 'bench' },
    settings: new MemorySettingsRepository({ ...DEFAULT_SETTINGS, stashUrl: server.url }),
    onEvent(event, payload) {
      // What webContents.send does with each event: serialize it for the renderer.
      events[event]++;
      events.bytes += JSON.stringify(structuredClone(payload)).length;
    },
    // As the app does, with stderr for its log file.
    logger: createLogger(streamSink()).child('supervisor'),
    onLog: streamSink(),
  });
  try {
    // Opens the database before measuring: the app starts its service before any sync.
    await supervisor.service.getSyncStatus();
    const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    delay.enable();
    const started = performance.now();
    const outcome: SyncOutcome = await supervisor.service.syncNow({ full: true });
    const seconds = (performance.now() - started) / 1000;
    delay.disable();
    if (!outcome.ok) throw new Error(`The sync failed: ${outcome.reason}`);
    const rows = outcome.summary.entities.map((e) => `${e.fetched} ${e.entity}`).join(', ');
    const [p50, p99, max] = [delay.percentile(50), delay.percentile(99), delay.max].map(delayMs) as [number, number, number];
    console.log(
      [
        `library (${SIZE}): ${rows}`,
        `full sync through the mirror process: ${seconds.toFixed(2)} s, ${events.syncStatus} status events (${(events.bytes / 1024).toFixed(0)} KiB) forwarded`,
        `main-thread event-loop delay: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms over ${delay.count} samples (target p99 < ${TARGET_P99_MS} ms: ${p99 < TARGET_P99_MS ? 'met' : 'NOT met'})`,
      ].join('\n'),
    );
  } finally {
    await supervisor.close();
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--mirror-child')) await runMirrorChild();
else await runMain();
