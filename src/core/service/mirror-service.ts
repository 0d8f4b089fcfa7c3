/**
 * The mirror service behind every host: settings, the database (opened on first use, reopened when
 * the settings choose another), one sync at a time with live status, the periodic scheduler, and
 * marker search. Plain Node: no Electron, no HTTP.
 */
import {
  ConnectionCandidate,
  ENTITIES,
  METHOD_INPUTS,
  SettingsUpdate,
  type AppInfo,
  type EntityName,
  type EntityProgress,
  type ErrorKind,
  type MarkerQueryInput,
  type MarkerSearchResult,
  type StashMirrorEvents,
  type SyncOutcome,
  type SyncRequest,
  type SuggestRequest,
  type SyncStatus,
  type SyncTrigger,
} from '../../shared/contract';
import { openMirrorStore } from '../db/open';
import { SyncAlreadyRunningError, type MirrorStore } from '../db/store';
import { searchMarkers } from '../search/search';
import { errorKindOf, SyncCancelledError } from '../errors';
import { StashClient } from '../stash/client';
import { NotStashError, StashAuthError, StashUnreachableError } from '../stash/errors';
import { oneLine } from '../one-line';
import { silentLogger, type LogFields, type Logger } from '../log';
import { Secrets } from '../secrets';
import { syncStash, type SyncProgress } from '../sync/engine';
import { EMPTY_HISTORY, newestRunId, readSyncHistory, recordRefusedSync, viewRun, type SyncHistory } from './history';
import { SyncScheduler, type SyncEnd } from './scheduler';
import { SuggestionIndex } from './suggest';
import { sameOrigin, viewSettings, type StoredSettings } from './settings';
import { describeBackend, type BackendDescription } from '../db/backend';
import { withoutPassword } from '../db/database-url';
import type { MirrorService, MirrorServiceOptions, SyncCallOptions } from './types';
import { dirname } from 'node:path';
import { mediaCacheDir } from '../paths';
import type { MediaCache } from '../media/media-cache';
import type { MediaProgress, MediaStepSummary } from '../media/media-step';
import { cacheMediaAfterSync, openMediaCache } from './media-after-sync';

/** Progress reaches windows at most this often while a sync runs; state changes always do. */
export const STATUS_THROTTLE_MS = 200;
/** "Test connection" answers quickly: no retries, a short timeout. */
const CONNECTION_TEST = { retries: 0, timeoutMs: 10_000 };

interface RunningSync {
  trigger: SyncTrigger;
  startedAt: string;
  controller: AbortController;
  progress: Map<EntityName, EntityProgress>;
  /** The picture step's progress once the metadata sync has succeeded. */
  media: MediaProgress | null;
  /** What the engine left for the next sync, as it said so. */
  warnings: string[];
  /** Settles when the sync has ended and its outcome was published. */
  ended: Promise<void>;
}

interface OpenMirror {
  key: string;
  store: Promise<MirrorStore>;
}

type Listeners = { [E in keyof StashMirrorEvents]: Set<(payload: StashMirrorEvents[E]) => void> };

/** Why the last sync failed, as the status shows it. */
interface LastError {
  reason: string;
  kind: ErrorKind;
}

export async function createMirrorService(options: MirrorServiceOptions): Promise<MirrorService> {
  const service = new StashMirrorService(options, await options.settings.load());
  await service.planSchedule();
  return service;
}

class StashMirrorService implements MirrorService {
  private mirror: OpenMirror | null = null;
  private history: Promise<SyncHistory> | null = null;
  private running: RunningSync | null = null;
  /** Set by syncs of this process; until then the run log's answer stands. */
  private sessionError: LastError | null | undefined = undefined;
  /** The warnings of the last sync this process ran, shown until the next one starts. */
  private lastWarnings: string[] = [];
  private readonly listeners: Listeners = { syncStatus: new Set(), syncFinished: new Set() };
  private readonly suggestions = new SuggestionIndex(() => this.store());
  private readonly scheduler: SyncScheduler;
  private throttle: { lastAt: number; timer: NodeJS.Timeout | null } = { lastAt: 0, timer: null };
  private closed = false;
  private readonly log: Logger;
  /** The picture cache of the current mirror, opened on first use with the settings' budget. */
  private pictures: { dir: string; budgetGb: number; cache: MediaCache } | null = null;

  constructor(
    private readonly options: MirrorServiceOptions,
    private settings: StoredSettings,
  ) {
    this.log = (options.logger ?? silentLogger).child('service');
    this.scheduler = new SyncScheduler({
      clock: options.schedulerClock,
      logger: this.log.child('scheduler'),
      isSyncRunning: () => this.running !== null,
      startSync: () => void this.syncNow(undefined, { trigger: 'schedule' }),
      onReplanned: () => void this.publishStatus(),
    });
  }

  // ------------------------------------------------------------------------------------------
  // Settings and information

  async getAppInfo(): Promise<AppInfo> {
    return { version: this.options.version, host: this.options.host, databaseLocation: await this.databaseLocation() };
  }

  async getSettings() {
    return viewSettings(this.settings, this.options.databaseFile);
  }

  async updateSettings(update: SettingsUpdate) {
    const parsed = SettingsUpdate.parse(update);
    const previous = this.settings;
    const chosen = parsed.backend ? { ...previous, backend: parsed.backend } : previous;
    // A new database server is opened before it is saved: a wrong password or an unreachable
    // server is told now, on the Settings page, not at the next sync.
    const target = this.backend(chosen);
    const opened = target.isServer && target.key !== this.backend(previous).key ? await this.tryDatabase(chosen) : null;
    try {
      this.settings = await this.options.settings.save(parsed);
    } catch (error) {
      if (opened) await closeQuietly(Promise.resolve(opened), this.log);
      // Nothing changed: the reason reaches the Settings page as one line, without secrets.
      const reason = this.secrets().redact(oneLine((error as Error)?.message ?? String(error)));
      this.log.warn(`Settings not saved: ${reason}`);
      // No cause: the original message may hold the secret this one was redacted of.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(reason);
    }
    this.log.info('Settings saved', this.describeSettings(Object.keys(parsed)));
    if (this.backend().key !== this.backend(previous).key) {
      this.switchMirror();
      if (opened) this.mirror = { key: this.backend().key, store: Promise.resolve(opened) };
    }
    // The old server's error says nothing about the new one.
    else if (!sameOrigin(this.settings.stashUrl, previous.stashUrl)) this.sessionError = null;
    // The chosen entities decide which runs count as a complete success.
    this.history = null;
    // Re-planning publishes the new status.
    await this.planSchedule();
    return this.getSettings();
  }

  async testConnection(candidate?: ConnectionCandidate) {
    const parsed = METHOD_INPUTS.testConnection.parse(candidate) ?? {};
    const url = parsed.stashUrl ?? this.settings.stashUrl;
    if (!url) return { ok: false as const, reason: 'No Stash address: enter the address of your Stash server', errorKind: 'not-configured' as const };
    // The saved key goes only to the saved server, never to an address just typed.
    const sameServer = !parsed.stashUrl || sameOrigin(parsed.stashUrl, this.settings.stashUrl);
    const apiKey = parsed.apiKey !== undefined ? parsed.apiKey || null : sameServer ? this.settings.apiKey : null;
    try {
      const client = new StashClient({ url, apiKey: apiKey ?? undefined, ...CONNECTION_TEST });
      const server = await client.identify();
      return { ok: true as const, version: server.version };
    } catch (error) {
      // An unknown server's words are not repeated: it could be anything, saying anything.
      return { ok: false as const, reason: sameServer ? this.reasonOf(error, apiKey) : strangerReason(error), errorKind: errorKindOf(error) };
    }
  }

  // ------------------------------------------------------------------------------------------
  // Sync

  async syncNow(request?: SyncRequest, { trigger = 'manual' }: SyncCallOptions = {}): Promise<SyncOutcome> {
    if (this.running) return { ok: false, kind: 'alreadyRunning', reason: 'A sync is already running' };
    if (this.closed) return { ok: false, kind: 'cancelled', reason: 'The service is closing' };
    const parsed = METHOD_INPUTS.syncNow.parse(request) ?? {};
    const settings = this.settings;
    if (!settings.stashUrl) {
      return { ok: false, kind: 'notConfigured', reason: 'No Stash server is set: enter its address in Settings first' };
    }
    let finish!: () => void;
    const running: RunningSync = {
      trigger,
      startedAt: new Date().toISOString(),
      controller: new AbortController(),
      progress: new Map(),
      media: null,
      warnings: [],
      ended: new Promise((resolve) => (finish = resolve)),
    };
    this.running = running;
    void this.publishStatus();
    const entities = parsed.entities ?? settings.entities;
    this.log.info('Sync started', { trigger, mode: parsed.full ? 'full' : 'incremental', entities: entities.join(',') });
    const outcome = await this.runSync(running, settings, parsed);
    this.logOutcome(outcome, trigger);
    this.running = null;
    this.history = null;
    this.lastWarnings = running.warnings;
    if (outcome.ok) this.sessionError = null;
    else if (outcome.kind === 'failed') this.sessionError = { reason: outcome.reason, kind: outcome.errorKind };
    // The user stopped it: whatever failed before is no longer the news, and a cancel is no failure.
    else if (outcome.kind === 'cancelled') this.sessionError = null;
    this.scheduler.syncEnded(endOf(outcome));
    // Windows see the final state before they hear that the sync finished.
    await this.publishStatus();
    this.emit('syncFinished', outcome);
    finish();
    return outcome;
  }

  async cancelSync() {
    if (!this.running || this.running.controller.signal.aborted) return { cancelled: false };
    this.running.controller.abort(new SyncCancelledError());
    // Windows hear at once that the sync stops, though it may take a moment to wind down.
    await this.publishStatus();
    return { cancelled: true };
  }

  async getSyncStatus(): Promise<SyncStatus> {
    // Asked for, the run log is read afresh: another process (the CLI) may have synced meanwhile.
    if (!this.running) this.history = null;
    return this.statusWith(await this.readHistory());
  }

  async listSyncRuns(request?: { limit?: number }) {
    const { limit } = METHOD_INPUTS.listSyncRuns.parse(request) ?? {};
    const secrets = this.secrets();
    return (await (await this.store()).listRuns(limit)).map((run) => viewRun(run, secrets));
  }

  private async runSync(running: RunningSync, settings: StoredSettings, request: SyncRequest): Promise<SyncOutcome> {
    const signal = running.controller.signal;
    const entities = request.entities ?? settings.entities;
    const full = request.full ?? false;
    let opened: { store: MirrorStore; newestBefore: number | null } | null = null;
    try {
      const store = await this.store();
      opened = { store, newestBefore: await newestRunId(store) };
      const client = new StashClient({ url: settings.stashUrl!, apiKey: settings.apiKey ?? undefined });
      const summary = await syncStash({
        client,
        store,
        entities,
        full,
        signal,
        onProgress: (progress) => this.onProgress(running, progress),
        onWarning: (warning) => {
          running.warnings.push(warning);
          void this.publishStatus();
        },
        logger: this.options.logger,
      });
      return { ok: true, summary, media: await this.cacheMedia(running, settings, store, summary.runId) };
    } catch (error) {
      if (signal.aborted) return { ok: false, kind: 'cancelled', reason: 'Sync cancelled' };
      if (error instanceof SyncAlreadyRunningError) return { ok: false, kind: 'alreadyRunning', reason: oneLine(error.message) };
      const reason = this.reasonOf(error, settings.apiKey);
      if (opened) {
        const refused = { entities, mode: full ? ('full' as const) : ('incremental' as const), error: reason, errorKind: errorKindOf(error) };
        // The history is a record, not the outcome: failing to write it must not hide the reason.
        await recordRefusedSync(opened.store, opened.newestBefore, refused).catch((error: unknown) =>
          this.log.warn(`The refused sync was not recorded in History: ${this.secrets().redact(oneLine((error as Error).message))}`),
        );
      }
      return { ok: false, kind: 'failed', reason, errorKind: errorKindOf(error) };
    }
  }

  /**
   * The picture step after a successful metadata sync, under the same Cancel. It never fails the
   * sync: what went wrong is a warning, and the pictures are fetched again next time.
   */
  private async cacheMedia(running: RunningSync, settings: StoredSettings, store: MirrorStore, runId: string): Promise<MediaStepSummary | null> {
    const cache = this.pictureCache();
    if (!cache) return null;
    running.media = { total: 0, done: 0, downloaded: 0, alreadyCached: 0, placeholders: 0, failed: 0, bytes: 0 };
    void this.publishStatus();
    try {
      return await cacheMediaAfterSync(store, {
        cache,
        runId,
        stashUrl: settings.stashUrl!,
        apiKey: settings.apiKey ?? undefined,
        media: settings.media,
        signal: running.controller.signal,
        onProgress: (progress) => {
          running.media = { ...progress };
          this.publishSoon();
        },
        logger: this.options.logger,
        runStep: this.options.runMediaStep,
      });
    } catch (error) {
      const warning = `Pictures were not cached: ${this.reasonOf(error, settings.apiKey)}`;
      this.log.warn(warning);
      running.warnings.push(warning);
      return null;
    }
  }

  /** The picture cache reads go to first, or null when Settings turned it off. */
  pictureCache(): MediaCache | null {
    const media = this.settings.media;
    if (!media.enabled || this.closed) return null;
    const dir = mediaCacheDir(this.backend().location, dirname(this.options.databaseFile));
    if (this.pictures?.dir !== dir || this.pictures.budgetGb !== media.budgetGb) {
      this.closePictures();
      this.pictures = { dir, budgetGb: media.budgetGb, cache: openMediaCache(dir, media, this.options.nativeBinding) };
    }
    return this.pictures.cache;
  }

  /** Closes the cache once no running step uses it. */
  private closePictures(): void {
    const old = this.pictures;
    this.pictures = null;
    if (old) void (this.running?.ended ?? Promise.resolve()).then(() => old.cache.close());
  }

  private logOutcome(outcome: SyncOutcome, trigger: SyncTrigger): void {
    if (outcome.ok) {
      const { summary } = outcome;
      const fetched = summary.entities.reduce((sum, entity) => sum + entity.fetched, 0);
      const seconds = (Date.parse(summary.finishedAt) - Date.parse(summary.startedAt)) / 1000;
      this.log.info('Sync finished', { trigger, mode: summary.mode, fetched, requests: summary.requests, seconds, ...pictureFields(outcome.media) });
    } else if (outcome.kind === 'failed') this.log.error(`Sync failed: ${outcome.reason}`, { trigger });
    else this.log.info(`Sync not done: ${outcome.reason}`, { trigger, kind: outcome.kind });
  }

  private onProgress(running: RunningSync, progress: SyncProgress): void {
    running.progress.set(progress.entity, { ...progress });
    this.publishSoon();
  }

  /** Progress is published at most every STATUS_THROTTLE_MS. */
  private publishSoon(): void {
    const now = Date.now();
    const wait = this.throttle.lastAt + STATUS_THROTTLE_MS - now;
    if (wait <= 0) void this.publishStatus();
    else this.throttle.timer ??= setTimeout(() => void this.publishStatus(), wait);
  }

  /** Sends the current status to every listener, with the run log as last read. */
  private async publishStatus(): Promise<void> {
    if (this.throttle.timer) clearTimeout(this.throttle.timer);
    this.throttle = { lastAt: Date.now(), timer: null };
    if (this.listeners.syncStatus.size === 0 || this.closed) return;
    this.emit('syncStatus', this.statusWith(await this.readHistory()));
  }

  private statusWith(history: SyncHistory): SyncStatus {
    const running = this.running;
    const nextAt = this.scheduler.nextScheduledAt();
    const lastError = this.sessionError === undefined ? history.lastError : this.sessionError;
    return {
      state: running ? (running.controller.signal.aborted ? 'cancelling' : 'running') : 'idle',
      trigger: running?.trigger ?? null,
      startedAt: running?.startedAt ?? null,
      progress: running ? ENTITIES.flatMap((entity) => running.progress.get(entity) ?? []) : [],
      mediaProgress: running?.media ?? null,
      lastSuccessAt: history.lastSuccessAt?.toISOString() ?? null,
      lastError: lastError?.reason ?? null,
      lastErrorKind: lastError?.kind ?? null,
      entities: history.entities,
      nextScheduledAt: nextAt === null ? null : new Date(nextAt).toISOString(),
      mirrorReady: history.mirrorReady,
      warnings: [...(running?.warnings ?? this.lastWarnings)],
    };
  }

  /** The run log's summary, read once per mirror state; a database that fails to open reads as empty. */
  private readHistory(): Promise<SyncHistory> {
    this.history ??= this.store()
      .then((store) => readSyncHistory(store, this.settings.entities, this.secrets()))
      .catch((error: unknown) => {
        this.history = null;
        return { ...EMPTY_HISTORY, lastError: { reason: this.secrets().redact(oneLine((error as Error).message)), kind: errorKindOf(error) } };
      });
    return this.history;
  }

  /** Hands the scheduler the settings and the last recorded success. */
  async planSchedule(): Promise<void> {
    const { periodicSync, stashUrl } = this.settings;
    // The run log is only read when it matters: a disabled schedule opens no database.
    const lastSuccessAt = periodicSync.enabled && stashUrl ? (await this.readHistory()).lastSuccessAt : null;
    this.scheduler.configure({ periodicSync, configured: stashUrl !== null, lastSuccessAt: lastSuccessAt?.getTime() ?? null });
  }

  // ------------------------------------------------------------------------------------------
  // Search

  async searchMarkers(query: MarkerQueryInput): Promise<MarkerSearchResult> {
    const store = await this.store();
    return searchMarkers(store, query, { stashUrl: this.settings.stashUrl ?? undefined });
  }

  async suggest(request: SuggestRequest) {
    return this.suggestions.suggest(METHOD_INPUTS.suggest.parse(request));
  }

  async listGenders(): Promise<string[]> {
    return (await this.store()).listGenders();
  }

  // ------------------------------------------------------------------------------------------
  // Events and lifetime

  on<E extends keyof StashMirrorEvents>(event: E, listener: (payload: StashMirrorEvents[E]) => void): () => void {
    const set = this.listeners[event] as Set<typeof listener>;
    set.add(listener);
    return () => set.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.stop();
    const running = this.running;
    running?.controller.abort(new SyncCancelledError());
    await running?.ended;
    if (this.throttle.timer) clearTimeout(this.throttle.timer);
    const mirror = this.mirror;
    this.mirror = null;
    if (mirror) await closeQuietly(mirror.store, this.log);
    this.pictures?.cache.close();
    this.pictures = null;
  }

  private emit<E extends keyof StashMirrorEvents>(event: E, payload: StashMirrorEvents[E]): void {
    for (const listener of this.listeners[event]) {
      try {
        listener(payload);
      } catch (error) {
        // A failing window must not stop the others from hearing about the sync.
        this.log.error(`A ${event} listener failed: ${oneLine((error as Error)?.message ?? String(error))}`);
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // The database

  private store(): Promise<MirrorStore> {
    if (this.closed) return Promise.reject(new Error('The mirror service is closed'));
    const key = this.backend().key;
    if (this.mirror?.key !== key) {
      const settings = this.settings;
      const store = this.openStore(settings);
      this.mirror = { key, store };
      // A database that could not be opened is tried again on the next call.
      store.catch((error: unknown) => {
        if (this.mirror?.store === store) this.mirror = null;
        this.log.warn(`The mirror database could not be opened: ${this.databaseError(settings, error)}`);
      });
    }
    return this.mirror.store;
  }

  /** Opens the database the settings would choose, or throws why not in one line without its password. */
  private async tryDatabase(settings: StoredSettings): Promise<MirrorStore> {
    try {
      return await this.openStore(settings);
    } catch (error) {
      const reason = this.databaseError(settings, error);
      this.log.warn(`The database chosen in Settings could not be opened: ${reason}`);
      // No cause: the original message may hold the secret this one was redacted of.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(reason);
    }
  }

  /** Why a database failed, in one line without the API key or the database's password. */
  private databaseError(settings: StoredSettings, error: unknown): string {
    return this.secrets()
      .with(...this.backend(settings).secrets)
      .redact(oneLine((error as Error)?.message ?? String(error)));
  }

  private openStore(settings: StoredSettings): Promise<MirrorStore> {
    return openMirrorStore({
      ...this.backend(settings).location,
      migrationsFolder: this.options.migrationsFolder,
      pgMigrationsFolder: this.options.pgMigrationsFolder,
      nativeBinding: this.options.nativeBinding,
    });
  }

  /** The settings chose another database: later calls open it; the old one closes once its sync ends. */
  private switchMirror(): void {
    const old = this.mirror;
    this.mirror = null;
    this.history = null;
    this.sessionError = undefined;
    this.lastWarnings = [];
    this.suggestions.clear();
    if (old) void (this.running?.ended ?? Promise.resolve()).then(() => closeQuietly(old.store, this.log));
  }

  private async databaseLocation(): Promise<string> {
    // A database that failed to open said why when it failed (store()); its place is told from the settings.
    const opened = this.mirror ? await this.mirror.store.then((store) => store.location).catch(() => null) : null;
    return opened ?? this.backend().shownLocation;
  }

  /** The database the settings choose, as src/core/db describes it: the service never asks which kind. */
  private backend(settings: StoredSettings = this.settings): BackendDescription {
    return describeBackend(settings.backend, this.options.databaseFile);
  }

  /** One line a person can act on, never containing the API key. */
  private reasonOf(error: unknown, apiKey: string | null): string {
    let message = (error as Error)?.message ?? String(error);
    if (error instanceof StashAuthError) {
      // The client's advice speaks to command-line users; here the key is set in Settings.
      message = apiKey
        ? `${error.problem}: check the API key in Settings (in Stash: Settings > Security)`
        : `${error.problem}: enter the server's API key in Settings`;
    }
    return this.secrets().with(apiKey).redact(oneLine(message));
  }

  /** The settings for the log: which were changed, and the saved values without secrets. */
  private describeSettings(changed: string[]): LogFields {
    const { stashUrl, periodicSync, entities } = this.settings;
    const secrets = this.secrets();
    return {
      changed: changed.join(','),
      stashUrl: stashUrl === null ? null : secrets.redact(withoutPassword(stashUrl, 'an address that does not parse')),
      backend: secrets.redact(this.backend().shownLocation),
      periodicSync: periodicSync.enabled ? `every ${periodicSync.intervalMinutes} min` : 'off',
      entities: entities.join(','),
    };
  }

  /** What must never be shown: the saved API key and the database's passwords. */
  private secrets(): Secrets {
    return new Secrets([this.settings.apiKey, ...this.backend().secrets]);
  }
}

/** The picture step's counts for the log line of its sync. */
function pictureFields(media: MediaStepSummary | null): LogFields {
  if (!media) return {};
  return {
    picturesDownloaded: media.downloaded,
    picturesAlreadyCached: media.alreadyCached,
    picturesNotGenerated: media.placeholders,
    picturesFailed: media.failed,
    picturesCancelled: media.cancelled,
  };
}

function endOf(outcome: SyncOutcome): SyncEnd {
  if (outcome.ok) return 'succeeded';
  if (outcome.kind === 'failed') return 'failed';
  return outcome.kind === 'alreadyRunning' ? 'busy' : 'cancelled';
}

/** A generic reason for an address other than the saved Stash. */
function strangerReason(error: unknown): string {
  if (error instanceof StashUnreachableError) return 'Cannot reach Stash at this address';
  if (error instanceof StashAuthError) return 'The server refused the API key';
  if (error instanceof NotStashError) return 'Not a Stash server';
  return 'Not a Stash server, or it did not answer as one';
}

/** Closes a database whose closing nobody waits on; a failure is logged, a store never opened has nothing to close. */
async function closeQuietly(store: Promise<MirrorStore>, log: Logger): Promise<void> {
  let opened: MirrorStore;
  try {
    opened = await store;
  } catch {
    // It never opened: its failure was logged by store(), and there is nothing to close.
    return;
  }
  await opened.close().catch((error: unknown) => log.warn(`The mirror database did not close cleanly: ${oneLine((error as Error).message)}`));
}
