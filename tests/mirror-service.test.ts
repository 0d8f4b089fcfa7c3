/**
 * The mirror service as every host uses it: the fake Stash over HTTP, a real mirror database of
 * each dialect, events as a window receives them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyncOutcome, SyncStatus } from '../src/shared/contract';
import { createLogger, type LogRecord } from '../src/core/log';
import { createMirrorService } from '../src/core/service/mirror-service';
import { StashClient } from '../src/core/stash/client';
import { syncStash } from '../src/core/sync/engine';
import { DEFAULT_SETTINGS, MemorySettingsRepository, type StoredSettings } from '../src/core/service/settings';
import type { MirrorService } from '../src/core/service/types';
import {
  createClock,
  DELETIONS_LEFT,
  FakeLibrary,
  generateLibrary,
  growPerformersWhileListed,
  startFakeStash,
  STASH_VERSION,
  type FakeStash,
} from '../tools/fake-stash';
import { waitFor } from './support/cli';
import { createMirrorDatabase, describeEachDialect, SMALL_LIBRARY, TEST_DATABASE_URL, type Dialect, type MirrorDatabase } from './support/harness';

const cleanups: (() => Promise<void>)[] = [];

/** A folder of this test's own, removed after it. */
function privateFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stash-mirror-service-'));
  cleanups.unshift(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

interface Setup {
  fake: FakeStash;
  database: MirrorDatabase;
  /** The SQLite file, or the PostgreSQL backend the settings name. */
  settings: StoredSettings;
  databaseFile: string;
  start(settings?: Partial<StoredSettings>): Promise<Recorded>;
}

/** A service and everything it emitted. */
interface Recorded {
  service: MirrorService;
  statuses: { at: number; status: SyncStatus }[];
  finished: SyncOutcome[];
  /** Every record the service logged, debug included. */
  log: LogRecord[];
}

async function setUp(dialect: Dialect, options: { library?: FakeLibrary; apiKey?: string } = {}): Promise<Setup> {
  const fake = await startFakeStash({ library: options.library ?? generateLibrary({ seed: 3, size: SMALL_LIBRARY }), apiKey: options.apiKey });
  cleanups.push(() => fake.close());
  const database = await createMirrorDatabase(dialect);
  cleanups.push(() => database.drop());
  const target = database.cliArgs[1]!;
  // With PostgreSQL chosen, the SQLite file is only ever named, never opened.
  // Its folder is the data folder, where a PostgreSQL mirror's picture cache goes: one of the test's own.
  const databaseFile = dialect === 'sqlite' ? target : join(privateFolder(), 'stash-mirror-unused.db');
  const settings: StoredSettings = {
    ...DEFAULT_SETTINGS,
    stashUrl: fake.url,
    apiKey: options.apiKey ?? null,
    backend: dialect === 'sqlite' ? { kind: 'sqlite' } : { kind: 'postgres', url: target },
  };
  return {
    fake,
    database,
    settings,
    databaseFile,
    async start(overrides = {}) {
      const log: LogRecord[] = [];
      const service = await createMirrorService({
        logger: createLogger((record) => log.push(record), { level: 'debug' }),
        settings: new MemorySettingsRepository({ ...settings, ...overrides }),
        databaseFile,
        host: 'web',
        version: '9.9.9-test',
      });
      // Runs before the database is dropped: cleanups run last-in, first-out.
      cleanups.push(() => service.close());
      const recorded: Recorded = { service, statuses: [], finished: [], log };
      service.on('syncStatus', (status) => recorded.statuses.push({ at: Date.now(), status }));
      service.on('syncFinished', (outcome) => recorded.finished.push(outcome));
      return recorded;
    },
  };
}

/** Some other server: records the ApiKey header of every request and answers with `body(key)`. */
async function startRecorder(body: (apiKey: string) => unknown = () => ({ errors: [{ message: `${ECHO_MARKER} from the server` }] })) {
  const apiKeys: string[] = [];
  const server = createServer((req, res) => {
    const apiKey = String(req.headers['apikey'] ?? '');
    apiKeys.push(apiKey);
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body(apiKey)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/graphql`, apiKeys };
}

/**
 * Waits until the running sync has finished studios, the step before scenes: a sync held on
 * scenes' first page is then cancelled there, never in an earlier step.
 */
async function studiosSynced(service: Pick<MirrorService, 'listSyncRuns'>): Promise<void> {
  const done = async () => (await service.listSyncRuns()).some((run) => run.entity === 'studios' && run.status === 'succeeded');
  await waitFor(done, 20_000, 'studios to sync');
}

const ECHO_MARKER = 'ECHO-MARKER-5d1f';

function summaryOf(outcome: SyncOutcome) {
  if (!outcome.ok) throw new Error(`sync failed: ${outcome.kind}: ${outcome.reason}`);
  return outcome.summary;
}

describeEachDialect('mirror service', (dialect) => {
  it('syncs now: a summary, throttled status events with progress, one syncFinished', async () => {
    const s = await setUp(dialect);
    // Slow pages keep the sync running long enough for throttled progress to show.
    s.fake.faults.inject('slow', { times: 3, delayMs: 400, operationName: 'SceneRows' });
    const { service, statuses, finished } = await s.start();
    const started = Date.now();
    const outcome = await service.syncNow();
    const elapsed = Date.now() - started;

    const summary = summaryOf(outcome);
    expect(summary.entities.map((e) => [e.entity, e.fetched])).toEqual([
      ['performers', 60],
      ['tags', 40],
      ['studios', 4],
      ['scenes', 200],
      ['markers', 600],
    ]);
    expect(finished).toEqual([outcome]);

    const running = statuses.filter((e) => e.status.state === 'running');
    expect(running[0]!.status).toMatchObject({ trigger: 'manual', progress: [] });
    const withProgress = running.filter((e) => e.status.progress.length > 0);
    expect(withProgress.length).toBeGreaterThan(0);
    expect(withProgress.flatMap((e) => e.status.progress.map((p) => p.entity))).toContain('scenes');
    // At most about five a second, whatever the number of pages.
    expect(running.length).toBeLessThanOrEqual(elapsed / 200 + 3);
    const last = statuses.at(-1)!.status;
    expect(last).toMatchObject({ state: 'idle', trigger: null, progress: [], mirrorReady: true, lastError: null });
  });

  it('reports per-entity status from the run log, also after a restart', async () => {
    const s = await setUp(dialect);
    const first = await s.start();
    const before = await first.service.getSyncStatus();
    expect(before).toMatchObject({ state: 'idle', mirrorReady: false, lastSuccessAt: null, nextScheduledAt: null });
    expect(before.entities.map((e) => e.lastStatus)).toEqual([null, null, null, null, null]);

    const summary = summaryOf(await first.service.syncNow({ entities: ['tags', 'performers'] }));
    expect(summary.entities.map((e) => e.entity)).toEqual(['performers', 'tags']);
    let status = await first.service.getSyncStatus();
    // Only part of the chosen entities synced: search has no markers yet, and says so.
    expect(status.mirrorReady).toBe(false);
    expect(status.lastSuccessAt).toBeNull();
    expect(status.entities.map((e) => [e.entity, e.lastStatus])).toEqual([
      ['performers', 'succeeded'],
      ['tags', 'succeeded'],
      ['studios', null],
      ['scenes', null],
      ['markers', null],
    ]);

    summaryOf(await first.service.syncNow());
    status = await first.service.getSyncStatus();
    expect(status.lastSuccessAt).not.toBeNull();
    await first.service.close();

    const again = await s.start();
    const restarted = await again.service.getSyncStatus();
    expect(restarted).toMatchObject({ mirrorReady: true, lastSuccessAt: status.lastSuccessAt, lastError: null });
    for (const entity of restarted.entities) {
      expect(entity.lastStatus).toBe('succeeded');
      expect(Date.parse(entity.lastSuccessAt!)).toBeGreaterThan(0);
    }
    const runs = await again.service.listSyncRuns({ limit: 10 });
    // Two runs of the first sync (performers, tags), five of the second.
    expect(runs).toHaveLength(7);
    expect(runs[0]).toMatchObject({ entity: 'markers', status: 'succeeded', mode: 'incremental' });
    expect(runs[0]!.startedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(runs.at(-1)!.entity).toBe('performers');
  });

  it('runs one sync at a time, in this process and across services, and cancels', async () => {
    const s = await setUp(dialect);
    s.fake.faults.inject('slow', { times: 1, delayMs: 8000, operationName: 'SceneRows' });
    const { service, finished, statuses } = await s.start();
    const other = await s.start();
    const first = service.syncNow();
    // Scenes' first page is held back: the cancel lands there, whatever came before it.
    await studiosSynced(service);

    const second = await service.syncNow();
    expect(second).toMatchObject({ ok: false, kind: 'alreadyRunning' });
    // Another service on the same mirror is refused by the database's sync lock.
    const elsewhere = await other.service.syncNow();
    expect(elsewhere).toMatchObject({ ok: false, kind: 'alreadyRunning' });
    expect((elsewhere as { reason: string }).reason).toMatch(/already running/);

    const cancelStarted = Date.now();
    expect(await service.cancelSync()).toEqual({ cancelled: true });
    const answered = Date.now();
    // The sync still winds down (records its run, releases its lock): it is no longer running.
    expect((await service.getSyncStatus()).state).toBe('cancelling');
    const outcome = await first;
    expect(statuses.filter((s) => s.at >= answered).map((s) => s.status.state)).not.toContain('running');
    expect(statuses.at(-1)!.status.state).toBe('idle');
    expect(outcome).toEqual({ ok: false, kind: 'cancelled', reason: 'Sync cancelled' });
    expect(Date.now() - cancelStarted).toBeLessThan(5000);
    expect(finished).toEqual([outcome]);
    expect(await service.cancelSync()).toEqual({ cancelled: false });
    const runs = await service.listSyncRuns();
    expect(runs[0]).toMatchObject({ entity: 'scenes', status: 'cancelled' });
    // A cancel is not a failure.
    expect((await service.getSyncStatus()).lastError).toBeNull();
  });

  it('is ready to search once every chosen entity has synced, in any runs, and stays so after a failed sync', async () => {
    const s = await setUp(dialect);
    // Scenes' first page is held back: the first sync is cancelled there, after performers, tags and studios.
    s.fake.faults.inject('slow', { times: 1, delayMs: 8000, operationName: 'SceneRows' });
    const { service } = await s.start();
    const first = service.syncNow();
    await studiosSynced(service);
    await service.cancelSync();
    expect(await first).toMatchObject({ ok: false, kind: 'cancelled' });
    let status = await service.getSyncStatus();
    expect(status.entities.map((e) => e.lastStatus)).toEqual(['succeeded', 'succeeded', 'succeeded', 'cancelled', null]);
    expect(status).toMatchObject({ mirrorReady: false, lastSuccessAt: null });

    // The rest synced in another run: no one run synced everything, yet every entity is there.
    summaryOf(await service.syncNow({ entities: ['scenes', 'markers'] }));
    status = await service.getSyncStatus();
    expect(status).toMatchObject({ mirrorReady: true, lastSuccessAt: null });

    s.fake.faults.inject('graphqlError', { operationName: 'MarkerRows' });
    expect(await service.syncNow()).toMatchObject({ ok: false, kind: 'failed' });
    status = await service.getSyncStatus();
    expect(status.lastError).toMatch(/MarkerRows/);
    expect(status.mirrorReady).toBe(true);
  });

  it('says what is missing when no Stash server is set', async () => {
    const s = await setUp(dialect);
    const { service, finished } = await s.start({ stashUrl: null });
    const outcome = await service.syncNow();
    expect(outcome).toMatchObject({ ok: false, kind: 'notConfigured' });
    expect((outcome as { reason: string }).reason).toMatch(/Stash server/);
    expect(finished).toEqual([]);
    expect(await service.testConnection()).toMatchObject({ ok: false, reason: expect.stringMatching(/Stash address/) });
  });

  it('fails with a reason naming the API key, never its value', async () => {
    const secret = 'wrong-secret-xyz-123';
    const s = await setUp(dialect, { apiKey: 'the-right-key' });
    const { service, statuses, finished } = await s.start({ apiKey: secret });
    const outcome = await service.syncNow();
    expect(outcome).toMatchObject({ ok: false, kind: 'failed' });
    const reason = (outcome as { reason: string }).reason;
    expect(reason).toMatch(/API key/);
    expect(reason).not.toContain('\n');
    const status = await service.getSyncStatus();
    expect(status.lastError).toBe(reason);
    const everything = JSON.stringify({ outcome, statuses, finished, status, settings: await service.getSettings() });
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain('the-right-key');
  });

  it('tests connections with the saved or the typed values', async () => {
    const s = await setUp(dialect, { apiKey: 'k-42' });
    const { service } = await s.start({ apiKey: 'k-42' });
    expect(await service.testConnection()).toEqual({ ok: true, version: STASH_VERSION.version });
    // The same server typed as a bare origin still gets the saved key.
    expect(await service.testConnection({ stashUrl: s.fake.origin })).toEqual({ ok: true, version: STASH_VERSION.version });

    const refused = await service.testConnection({ apiKey: 'nope-key' });
    expect(refused).toMatchObject({ ok: false, reason: expect.stringMatching(/refused the API key/) });
    expect(JSON.stringify(refused)).not.toContain('nope-key');
    const missing = await service.testConnection({ apiKey: null });
    expect(missing).toMatchObject({ ok: false, reason: expect.stringMatching(/API key/) });
    const unreachable = await service.testConnection({ stashUrl: 'http://127.0.0.1:1/graphql' });
    expect(unreachable).toMatchObject({ ok: false, reason: expect.stringMatching(/Cannot reach Stash/) });
  });

  it('suggests live names by prefix ignoring case and accents, most used first, and lists genders', async () => {
    const library = new FakeLibrary(createClock());
    const tag = (name: string) => library.createTag({ name }).id;
    const [elan, elbow, kitchen, zebra, gone] = [tag('Élan vital'), tag('elbow'), tag('Kitchen Elegance'), tag('Zebra'), tag('Elder')];
    const performer = (name: string, gender: 'FEMALE' | 'MALE' | null) => library.createPerformer({ name, gender }).id;
    const [ebene, eve, adam] = [performer('Ébène Dupont', 'FEMALE'), performer('eve adams', 'MALE'), performer('Adam Ébert', null)];
    const scene = (performerIds: number[]) => library.createScene({ title: 'A scene', performerIds }).id;
    const scenes = [scene([eve]), scene([eve, adam]), scene([eve, adam, ebene]), scene([])];
    const marker = (primaryTagId: number, tagIds: number[] = []) =>
      library.createMarker({ sceneId: scenes[0]!, primaryTagId, tagIds, title: 'Kiss' });
    marker(zebra, [elan]);
    marker(zebra);
    marker(zebra);
    marker(elan, [kitchen]);
    marker(elbow);
    const s = await setUp(dialect, { library });
    const { service } = await s.start();

    expect(await service.suggest({ kind: 'tags', prefix: '' })).toEqual([]);
    summaryOf(await service.syncNow());
    library.deleteTag(gone);
    summaryOf(await service.syncNow());

    const names = async (kind: 'tags' | 'performers', prefix: string, limit?: number) =>
      (await service.suggest({ kind, prefix, limit })).map((r) => r.name);
    // Zebra 3 markers, Élan 2 (primary and secondary), elbow 1, Kitchen Elegance 1 (secondary).
    expect(await names('tags', '')).toEqual(['Zebra', 'Élan vital', 'elbow', 'Kitchen Elegance']);
    expect(await names('tags', '', 2)).toEqual(['Zebra', 'Élan vital']);
    // Name starts before word starts; the stale "Elder" is never suggested.
    expect(await names('tags', 'EL')).toEqual(['Élan vital', 'elbow', 'Kitchen Elegance']);
    expect(await names('tags', 'ela')).toEqual(['Élan vital']);
    expect(await names('tags', 'élan v')).toEqual(['Élan vital']);
    expect(await names('tags', 'vital')).toEqual(['Élan vital']);
    expect(await names('tags', 'q')).toEqual([]);
    expect((await service.suggest({ kind: 'tags', prefix: 'zeb' }))[0]).toEqual({ id: zebra, name: 'Zebra' });

    // Scenes: eve 3, Adam 2, Ébène 1.
    expect(await names('performers', '')).toEqual(['eve adams', 'Adam Ébert', 'Ébène Dupont']);
    expect(await names('performers', 'eb')).toEqual(['Ébène Dupont', 'Adam Ébert']);
    expect(await names('performers', 'ADAM')).toEqual(['Adam Ébert', 'eve adams']);
    expect(await service.listGenders()).toEqual(['FEMALE', 'MALE']);

    // A sync by another process (the command line) shows in the next suggestions.
    library.updateTag(elbow, { name: 'Elbow grease' });
    const other = await s.database.open();
    try {
      await syncStash({ client: new StashClient({ url: s.fake.url }), store: other });
    } finally {
      await other.close();
    }
    expect(await names('tags', 'elb')).toEqual(['Elbow grease']);
  });

  it('searches markers: empty before the first sync, with Stash links after it', async () => {
    const s = await setUp(dialect);
    const { service } = await s.start();
    const before = await service.searchMarkers({ text: 'a' });
    expect(before).toMatchObject({ total: 0, hits: [] });
    summaryOf(await service.syncNow());
    const after = await service.searchMarkers({ perPage: 5 });
    expect(after.total).toBe(600);
    expect(after.hits).toHaveLength(5);
    expect(after.hits[0]!.urls!.scene.startsWith(`${s.fake.origin}/scenes/`)).toBe(true);
  });

  it('plans the periodic sync when it is switched on', async () => {
    const s = await setUp(dialect);
    const { service, statuses } = await s.start();
    const before = Date.now();
    await service.updateSettings({ periodicSync: { enabled: true, intervalMinutes: 30 } });
    // Never synced: soon after the change, not a whole interval later.
    const next = Date.parse((await service.getSyncStatus()).nextScheduledAt!);
    expect(next - before).toBeGreaterThanOrEqual(55_000);
    expect(next - before).toBeLessThan(5 * 60_000);
    expect(statuses.at(-1)!.status.nextScheduledAt).toBe(new Date(next).toISOString());
    await service.updateSettings({ periodicSync: { enabled: false, intervalMinutes: 30 } });
    expect((await service.getSyncStatus()).nextScheduledAt).toBeNull();
  });
});

describe.runIf(TEST_DATABASE_URL)('mirror service switching databases', () => {
  it('opens the database the settings choose, and keeps each one’s state', async () => {
    const s = await setUp('sqlite');
    const postgres = await createMirrorDatabase('postgres');
    cleanups.unshift(() => postgres.drop());
    const { service } = await s.start();
    summaryOf(await service.syncNow());
    expect((await service.getAppInfo()).databaseLocation).toBe(s.databaseFile);

    const url = postgres.cliArgs[1]!;
    const view = await service.updateSettings({ backend: { kind: 'postgres', url } });
    expect(view.backend.kind).toBe('postgres');
    // The settings page shows the URL, never its password.
    expect(view.backend.kind === 'postgres' && view.backend.url).toContain(':***@');
    expect(JSON.stringify(view)).not.toContain(`:${new URL(url).password}@`);
    expect((await service.getSyncStatus()).mirrorReady).toBe(false);
    expect((await service.searchMarkers({})).total).toBe(0);
    summaryOf(await service.syncNow({ entities: ['performers', 'tags'] }));
    const info = await service.getAppInfo();
    expect(info.databaseLocation).toContain(new URL(url).pathname);
    expect(info.databaseLocation).not.toContain(`:${new URL(url).password}@`);
    expect(await service.listGenders()).not.toEqual([]);

    await service.updateSettings({ backend: { kind: 'sqlite' } });
    const status = await service.getSyncStatus();
    expect(status.mirrorReady).toBe(true);
    expect(status.entities.find((e) => e.entity === 'markers')!.lastStatus).toBe('succeeded');
    expect((await service.searchMarkers({})).total).toBe(600);
  });
});

describeEachDialect('mirror service: secrets and the truth of the status', (dialect) => {
  const OLD_KEY = 'key-of-the-old-server-31';

  it('never sends the old key to a new Stash address, forgets the old server’s error, and quotes no stranger', async () => {
    const s = await setUp(dialect, { apiKey: OLD_KEY });
    const other = await startRecorder();
    const { service } = await s.start();
    // A typed address that is not the saved server: a generic reason, nothing the server said.
    const typed = await service.testConnection({ stashUrl: other.url });
    expect(typed).toEqual({ ok: false, reason: expect.any(String), errorKind: expect.any(String) });
    expect(JSON.stringify(typed)).not.toContain(ECHO_MARKER);

    s.fake.faults.inject('graphqlError', { operationName: 'PerformerRows' });
    expect(await service.syncNow()).toMatchObject({ ok: false, kind: 'failed' });
    expect((await service.getSyncStatus()).lastError).toMatch(/injected fault/);

    const view = await service.updateSettings({ stashUrl: other.url });
    expect(view.hasApiKey).toBe(false);
    expect((await service.getSyncStatus()).lastError).toBeNull();
    await service.testConnection();
    await service.syncNow();
    expect(other.apiKeys.length).toBeGreaterThan(0);
    expect(other.apiKeys).not.toContain(OLD_KEY);
  });

  it('keeps the key for the same server at another path', async () => {
    const s = await setUp(dialect, { apiKey: OLD_KEY });
    const { service } = await s.start();
    expect((await service.updateSettings({ stashUrl: `${s.fake.origin}/` })).hasApiKey).toBe(true);
    expect(await service.testConnection()).toMatchObject({ ok: true });
  });

  it('shows a sync refused before it started in History, and no entity as succeeded after it', async () => {
    const s = await setUp(dialect);
    const { service } = await s.start();
    summaryOf(await service.syncNow());
    await service.updateSettings({ stashUrl: 'http://127.0.0.1:1/graphql' });
    const outcome = await service.syncNow();
    expect(outcome).toMatchObject({ ok: false, kind: 'failed' });
    const reason = (outcome as { reason: string }).reason;
    const refused = (await service.listSyncRuns()).filter((run) => run.status === 'failed');
    expect(refused.map((run) => run.entity).sort()).toEqual(['markers', 'performers', 'scenes', 'studios', 'tags']);
    expect(refused.every((run) => run.error === reason)).toBe(true);
    const status = await service.getSyncStatus();
    expect(status.entities.map((e) => e.lastStatus)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
    expect(status.lastError).toBe(reason);
  });

  it('redacts the key and the database password wherever a server’s words appear', async () => {
    const key = 'sec-Key_77';
    const echo = (k: string) => ({ errors: [{ message: `bad key ${k}. or ${k}- or "${k}" in ${JSON.stringify({ apiKey: k })}` }] });
    const server = await startRecorder(echo);
    const s = await setUp(dialect);
    const recorded = await s.start({ stashUrl: server.url, apiKey: key });
    const { service } = recorded;
    const outcome = await service.syncNow();
    expect(outcome).toMatchObject({ ok: false, kind: 'failed' });
    expect(server.apiKeys).toContain(key);
    // A run the engine wrote with the server's raw words: History still shows no secret.
    const password = s.settings.backend.kind === 'postgres' ? new URL(s.settings.backend.url).password : null;
    const store = await s.database.open();
    try {
      const row = await store.startRun({ runId: 'raw', entity: 'tags', mode: 'full' });
      const words = JSON.stringify(echo(key)) + (password ? ` password=${password}` : '');
      await store.finishRun(row, { status: 'failed', fetched: 0, upserted: 0, staleMarked: 0, error: words, errorKind: 'other' });
    } finally {
      await store.close();
    }
    const shown = JSON.stringify({
      outcome,
      recorded: { statuses: recorded.statuses, finished: recorded.finished, log: recorded.log },
      status: await service.getSyncStatus(),
      runs: await service.listSyncRuns(),
      tested: await service.testConnection(),
    });
    expect(shown).toContain('bad key');
    expect(shown).not.toContain(key);
    if (password) expect(shown).not.toContain(password);
  });

  it('logs each sync and each settings change, never a secret', async () => {
    const key = 'log-Key_8812';
    const s = await setUp(dialect, { apiKey: key });
    const { service, log } = await s.start();
    summaryOf(await service.syncNow({ entities: ['tags'] }));
    const wrongKey = 'wrong-Key_9934';
    await service.updateSettings({ apiKey: wrongKey, periodicSync: { enabled: true, intervalMinutes: 30 } });
    expect(await service.syncNow(undefined, { trigger: 'api' })).toMatchObject({ ok: false, kind: 'failed' });

    const own = log.filter((record) => record.module === 'service');
    expect(own.map((record) => `${record.level} ${record.message}`)).toEqual([
      'info Sync started',
      'info Sync finished',
      'info Settings saved',
      'info Sync started',
      expect.stringMatching(/^error Sync failed: .*API key/),
    ]);
    expect(own[0]!.fields).toEqual({ trigger: 'manual', mode: 'incremental', entities: 'tags' });
    expect(own[1]!.fields).toMatchObject({ trigger: 'manual', fetched: 40, requests: expect.any(Number) });
    expect(own[2]!.fields).toMatchObject({ changed: 'apiKey,periodicSync', stashUrl: s.fake.url, periodicSync: 'every 30 min' });
    expect(own[4]!.fields).toEqual({ trigger: 'api' });
    // The scheduler says when the next periodic sync is due.
    expect(log.some((record) => record.module === 'service.scheduler' && record.message === 'Next periodic sync planned')).toBe(true);
    const password = s.settings.backend.kind === 'postgres' ? new URL(s.settings.backend.url).password : null;
    const written = JSON.stringify(log);
    for (const secret of [key, wrongKey, ...(password ? [password] : [])]) expect(written).not.toContain(secret);
  });

  it('after a cancel shows no failure it did not have', async () => {
    const s = await setUp(dialect);
    const { service } = await s.start();
    s.fake.faults.inject('graphqlError', { operationName: 'TagRows' });
    expect(await service.syncNow()).toMatchObject({ ok: false, kind: 'failed' });
    expect((await service.getSyncStatus()).lastError).toMatch(/injected fault/);
    s.fake.faults.inject('slow', { times: 1, delayMs: 8000, operationName: 'SceneRows' });
    const sync = service.syncNow();
    await studiosSynced(service);
    await service.cancelSync();
    expect(await sync).toMatchObject({ kind: 'cancelled' });
    // Tags synced after their failure: the old error is no longer what is true now.
    expect((await service.getSyncStatus()).lastError).toBeNull();
  });

  it('after a cancel before the first page, the failure before it is no longer shown as current', async () => {
    const s = await setUp(dialect);
    const { service } = await s.start();
    s.fake.faults.inject('graphqlError', { operationName: 'TagRows' });
    expect(await service.syncNow()).toMatchObject({ ok: false, kind: 'failed' });
    s.fake.faults.inject('slow', { times: 1, delayMs: 8000, operationName: 'ServerIdentity' });
    const asked = s.fake.requests.length;
    const sync = service.syncNow();
    await waitFor(async () => s.fake.requests.length > asked, 10_000, 'the sync to ask Stash');
    await service.cancelSync();
    expect(await sync).toMatchObject({ kind: 'cancelled' });
    expect((await service.getSyncStatus()).lastError).toBeNull();
  });

  it('leaves everything as it was when saving the settings fails, with a one-line reason', async () => {
    const s = await setUp(dialect, { apiKey: OLD_KEY });
    const { service } = await s.start();
    summaryOf(await service.syncNow({ entities: ['tags'] }));
    const repository = new MemorySettingsRepository({ ...s.settings, apiKey: OLD_KEY });
    const failing = await createMirrorService({
      settings: {
        load: () => repository.load(),
        save: async () => {
          throw new Error('ENOSPC: no space left on device\n    at write (fs.js:1)');
        },
      },
      databaseFile: s.databaseFile,
      host: 'web',
      version: '9.9.9-test',
    });
    cleanups.push(() => failing.close());
    const before = await failing.getSettings();
    await expect(failing.updateSettings({ stashUrl: 'http://127.0.0.1:1/graphql', entities: ['tags'] })).rejects.toThrow(
      /^ENOSPC: no space left on device at write \(fs.js:1\)$/,
    );
    expect(await failing.getSettings()).toEqual(before);
    expect(await failing.testConnection()).toMatchObject({ ok: true });
    expect((await failing.searchMarkers({})).total).toBe(0);
  });
  it('shows what the sync left for the next one in its status, logs it, and clears it when the next sync starts', async () => {
    const s = await setUp(dialect);
    const records: LogRecord[] = [];
    const service = await createMirrorService({
      settings: new MemorySettingsRepository(s.settings),
      databaseFile: s.databaseFile,
      host: 'web',
      version: '9.9.9-test',
      logger: createLogger((record) => records.push(record), { module: 'service' }),
    });
    cleanups.push(() => service.close());
    const statuses: SyncStatus[] = [];
    service.on('syncStatus', (status) => statuses.push(status));
    const restless = growPerformersWhileListed(s.fake);
    const outcome = await service.syncNow();
    restless.calm();
    expect(summaryOf(outcome).warnings).toEqual([DELETIONS_LEFT]);
    // Windows hear it while the sync still runs, and the status keeps it once the sync is over.
    expect(statuses.find((status) => status.warnings.length > 0)).toMatchObject({ state: 'running', warnings: [DELETIONS_LEFT] });
    expect(await service.getSyncStatus()).toMatchObject({ state: 'idle', warnings: [DELETIONS_LEFT] });
    expect(records).toContainEqual(expect.objectContaining({ level: 'warn', module: 'service.sync', message: DELETIONS_LEFT }));
    summaryOf(await service.syncNow());
    expect((await service.getSyncStatus()).warnings).toEqual([]);
  });
});

describe.runIf(TEST_DATABASE_URL)('mirror service choosing a PostgreSQL database', () => {
  it('tries it when saved: a wrong password is refused at once in one line and nothing changes', async () => {
    const s = await setUp('sqlite');
    const postgres = await createMirrorDatabase('postgres');
    cleanups.unshift(() => postgres.drop());
    const { service } = await s.start();
    const before = await service.getSettings();
    const wrong = new URL(postgres.cliArgs[1]!);
    wrong.password = 'not-the-password-9';
    const started = Date.now();
    const refused = service.updateSettings({ backend: { kind: 'postgres', url: wrong.toString() } });
    await expect(refused).rejects.toThrow(/refused the password/);
    const message = await refused.catch((error: Error) => error.message);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('not-the-password-9');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await service.getSettings()).toEqual(before);
    expect((await service.getAppInfo()).databaseLocation).toBe(s.databaseFile);
  });

  it('masks a password given as ?password= wherever the URL is shown', async () => {
    const s = await setUp('sqlite');
    const postgres = await createMirrorDatabase('postgres');
    cleanups.unshift(() => postgres.drop());
    const { service } = await s.start();
    const url = new URL(postgres.cliArgs[1]!);
    const password = decodeURIComponent(url.password);
    url.password = '';
    url.searchParams.set('password', password);
    const view = await service.updateSettings({ backend: { kind: 'postgres', url: url.toString() } });
    summaryOf(await service.syncNow({ entities: ['tags'] }));
    const shown = JSON.stringify({ view, info: await service.getAppInfo(), status: await service.getSyncStatus() });
    expect(shown).toContain('password=***');
    expect(shown).not.toContain(`password=${password}`);
  });
});
