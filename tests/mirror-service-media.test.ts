/**
 * The service's picture step: after a successful metadata sync, under the same Cancel, with the
 * settings' cache, and not at all when Settings turned the cache off. The step itself is the media
 * part's (tests/media-step.test.ts); here a stand-in records how the service runs it.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SyncOutcome, SyncStatus } from '../src/shared/contract';
import { createMirrorService } from '../src/core/service/mirror-service';
import { DEFAULT_SETTINGS, MemorySettingsRepository, type StoredSettings } from '../src/core/service/settings';
import { MediaCache } from '../src/core/media/media-cache';
import type { MediaProgress, MediaStepOptions, MediaStepSummary } from '../src/core/media/media-step';
import type { MirrorStore } from '../src/core/db/store';
import { generateLibrary, startFakeStash } from '../tools/fake-stash';
import { waitFor } from './support/cli';
import { createMirrorDatabase, describeEachDialect, SMALL_LIBRARY, type Dialect } from './support/harness';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanups.length > 0) await cleanups.pop()!();
});

const PROGRESS: MediaProgress = { total: 10, done: 4, downloaded: 2, alreadyCached: 1, placeholders: 1, failed: 0, bytes: 2048 };

/** A media step that records its calls, reports PROGRESS, then does what `then` says. */
function stepStandIn(then: (options: MediaStepOptions) => Promise<MediaStepSummary>) {
  const calls: { store: MirrorStore; options: MediaStepOptions; runsBefore: number }[] = [];
  const step = async (store: MirrorStore, options: MediaStepOptions) => {
    calls.push({ store, options, runsBefore: (await store.listRuns(100)).length });
    options.onProgress?.(PROGRESS);
    return then(options);
  };
  return { calls, step };
}

const finishedStep = () => Promise.resolve({ ...PROGRESS, done: 10, downloaded: 8, removed: 0, evicted: 0, overBudget: 0, cancelled: false });

async function setUp(
  dialect: Dialect,
  step: ReturnType<typeof stepStandIn>['step'] | undefined,
  overrides: Partial<StoredSettings> = {},
  statuses: SyncStatus[] = [],
) {
  const fake = await startFakeStash({ library: generateLibrary({ seed: 5, size: SMALL_LIBRARY }), apiKey: 'the-key' });
  cleanups.push(() => fake.close());
  const database = await createMirrorDatabase(dialect);
  cleanups.push(() => database.drop());
  const target = database.cliArgs[1]!;
  // With PostgreSQL the file is only named: the cache goes in its folder, a fresh one.
  const databaseFile = dialect === 'sqlite' ? target : join(mkdtempSync(join(tmpdir(), 'stash-mirror-media-')), 'stash-mirror-unused.db');
  const settings: StoredSettings = {
    ...DEFAULT_SETTINGS,
    stashUrl: fake.url,
    apiKey: 'the-key',
    backend: dialect === 'sqlite' ? { kind: 'sqlite' } : { kind: 'postgres', url: target },
    ...overrides,
  };
  const service = await createMirrorService({
    settings: new MemorySettingsRepository(settings),
    databaseFile,
    host: 'web',
    version: 'test',
    runMediaStep: step,
  });
  cleanups.push(() => service.close());
  service.on('syncStatus', (status) => statuses.push(status));
  return { service, statuses, fake, databaseFile, target };
}

function okOutcome(outcome: SyncOutcome) {
  if (!outcome.ok) throw new Error(`sync failed: ${outcome.kind}: ${outcome.reason}`);
  return outcome;
}

describeEachDialect('mirror service: the picture step', (dialect) => {
  it('runs after the metadata sync succeeded, with the settings’ cache beside the mirror, its progress in the status and its counts in the outcome', async () => {
    const opened = vi.spyOn(MediaCache, 'open');
    const statuses: SyncStatus[] = [];
    // The step ends once a window has seen its progress (progress is published at most five times a second).
    const { calls, step } = stepStandIn(async () => {
      await waitFor(() => statuses.some((status) => status.mediaProgress?.done === PROGRESS.done), 20_000, 'the progress to be published');
      return finishedStep();
    });
    const s = await setUp(dialect, step, { media: { enabled: true, budgetGb: 2, includePreviews: true } }, statuses);
    const outcome = okOutcome(await s.service.syncNow());

    expect(calls).toHaveLength(1);
    // Every entity's run was recorded before the step began: it never delays the metadata.
    expect(calls[0]!.runsBefore).toBe(outcome.summary.entities.length);
    expect(calls[0]!.options).toMatchObject({ stashUrl: s.fake.url, apiKey: 'the-key', includePreviews: true });
    const expectedDir = dialect === 'sqlite' ? `${s.databaseFile}.media` : join(dirname(s.databaseFile), 'media');
    expect(opened).toHaveBeenCalledWith(expectedDir, { budgetBytes: 2 * 1024 ** 3, nativeBinding: undefined });
    expect(calls[0]!.options.cache).toBe(s.service.pictureCache());

    expect(outcome.media).toMatchObject({ done: 10, downloaded: 8, cancelled: false });
    expect(s.statuses.map((status) => status.mediaProgress)).toContainEqual(PROGRESS);
    expect(s.statuses.at(-1)!.mediaProgress).toBeNull();
  });

  it('with the real step, a sync fills the cache that reads go to', async () => {
    const s = await setUp(dialect, undefined);
    const outcome = okOutcome(await s.service.syncNow());
    expect(outcome.media).toMatchObject({ cancelled: false, failed: 0 });
    expect(outcome.media!.downloaded).toBeGreaterThan(0);
    const [hit] = (await s.service.searchMarkers({ perPage: 1 })).hits;
    expect(s.service.pictureCache()!.lookup('marker-screenshot', hit!.id)).toMatchObject({ contentType: expect.stringMatching(/^image\//) });
  });

  it('is cancelled by the sync’s Cancel, and the metadata sync keeps its result', async () => {
    const { step } = stepStandIn(
      (options) =>
        new Promise((_resolve, reject) => {
          const signal = options.signal!;
          if (signal.aborted) reject(signal.reason as Error);
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        }),
    );
    const s = await setUp(dialect, step);
    const running = s.service.syncNow();
    await waitFor(async () => (await s.service.getSyncStatus()).mediaProgress?.done === PROGRESS.done, 20_000, 'the picture step to start');
    expect(await s.service.cancelSync()).toEqual({ cancelled: true });
    const outcome = okOutcome(await running);
    expect(outcome.media).toEqual({ ...PROGRESS, removed: 0, evicted: 0, overBudget: 0, cancelled: true });
    const status = await s.service.getSyncStatus();
    expect(status).toMatchObject({ state: 'idle', lastError: null, mirrorReady: true });
    const runs = await s.service.listSyncRuns();
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
    // What the cancelled step had done is in History too.
    expect(runs.map((run) => run.pictures)).toEqual(runs.map(() => ({ downloaded: 2, alreadyCached: 1, placeholders: 1, failed: 0, removed: 0 })));
  });

  it('keeps each run’s picture counts in History, on every row of the run, and none for a run without the step', async () => {
    const { step } = stepStandIn(async () => ({ ...(await finishedStep()), failed: 1, removed: 3 }));
    const s = await setUp(dialect, step);
    const first = okOutcome(await s.service.syncNow());
    await s.service.updateSettings({ media: { ...DEFAULT_SETTINGS.media, enabled: false } });
    const second = okOutcome(await s.service.syncNow());

    const runs = await s.service.listSyncRuns();
    const ofRun = (runId: string) => runs.filter((run) => run.runId === runId).map((run) => run.pictures);
    const counts = { downloaded: 8, alreadyCached: 1, placeholders: 1, failed: 1, removed: 3 };
    expect(ofRun(first.summary.runId)).toEqual(first.summary.entities.map(() => counts));
    expect(ofRun(second.summary.runId)).toEqual(second.summary.entities.map(() => null));
  });

  it('does not run, and reads go to Stash, when Settings turned the cache off', async () => {
    const opened = vi.spyOn(MediaCache, 'open');
    const { calls, step } = stepStandIn(finishedStep);
    const s = await setUp(dialect, step, { media: { ...DEFAULT_SETTINGS.media, enabled: false } });
    expect(okOutcome(await s.service.syncNow()).media).toBeNull();
    expect(calls).toHaveLength(0);
    expect(s.service.pictureCache()).toBeNull();
    expect(opened).not.toHaveBeenCalled();
    // Turned on again: the next sync caches.
    await s.service.updateSettings({ media: DEFAULT_SETTINGS.media });
    expect(s.service.pictureCache()).not.toBeNull();
    expect(okOutcome(await s.service.syncNow()).media).not.toBeNull();
  });

  it('never fails the sync: a failed step is a warning in the status, and the outcome has no picture counts', async () => {
    const { step } = stepStandIn(() => Promise.reject(new Error('the disk is full, the-key')));
    const s = await setUp(dialect, step);
    const outcome = okOutcome(await s.service.syncNow());
    expect(outcome.media).toBeNull();
    const { warnings, lastError } = await s.service.getSyncStatus();
    expect(lastError).toBeNull();
    expect(warnings).toContainEqual(expect.stringMatching(/^Pictures were not cached: the disk is full/));
    expect(warnings.join('\n')).not.toContain('the-key');
    expect((await s.service.listSyncRuns()).map((run) => run.pictures)).toEqual(outcome.summary.entities.map(() => null));
  });
});
