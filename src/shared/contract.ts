/**
 * The one contract between the app's user interface and the mirror service. Every method the
 * renderer may call and every event it may receive is typed here, and every method's input has a
 * schema the receiving side validates with, whatever carries it: Electron IPC (main ↔ preload),
 * the utility process, or the headless host's HTTP and server-sent events.
 *
 * Each method takes at most one argument, a plain object, and returns plain data: errors a user
 * should read come back as values (`{ ok: false, reason, errorKind }`), not as exceptions, because
 * a host's transport (HTTP, Electron IPC) keeps only an exception's message. Wherever an error
 * reaches the interface its ErrorKind comes along: decide by the kind, show the reason.
 */
import { z } from 'zod';
import { ENTITIES, type EntityName } from '../core/mirror-rows';
import type { PictureCounts, RunStatus, SyncMode } from '../core/db/store';
import { MarkerQuery, type MarkerQueryInput, type MarkerSearchResult, type NamedRef } from '../core/search/query';
import type { SyncSummary } from '../core/sync/engine';
import type { MediaProgress, MediaStepSummary, SyncPhase, SyncProgress } from './sync-progress';
import { isHttpAddress } from './http-url';
import type { ErrorKind } from '../core/errors';

export type {
  EntityName,
  ErrorKind,
  MarkerQueryInput,
  MarkerSearchResult,
  MediaProgress,
  MediaStepSummary,
  NamedRef,
  RunStatus,
  SyncPhase,
  SyncProgress,
  SyncSummary,
};
export { ENTITIES };

const entity = z.enum(ENTITIES);
const httpUrl = z.string().trim().max(2000).refine(isHttpAddress, 'expected an http:// or https:// address');
const postgresUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => /^postgres(ql)?:\/\/\S+$/i.test(value), 'expected a postgres:// URL');

// ---------------------------------------------------------------------------------------------
// Settings

export const Backend = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sqlite') }),
  z.object({ kind: z.literal('postgres'), url: postgresUrl }),
]);
export type Backend = z.output<typeof Backend>;

export const PeriodicSync = z.object({
  enabled: z.boolean(),
  /** Minutes between the end of one sync and the start of the next. */
  intervalMinutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60),
});
export type PeriodicSync = z.output<typeof PeriodicSync>;

/** The offline picture cache beside the mirror, filled after each metadata sync. */
export const MediaSettings = z
  .object({
    enabled: z.boolean(),
    /** Least-recently-used pictures go once the cache is larger than this. */
    budgetGb: z.number().min(0.1).max(1000),
    /** Markers' animated previews too (far larger than their screenshots). */
    includePreviews: z.boolean(),
  })
  .strict();
export type MediaSettings = z.output<typeof MediaSettings>;

/** A change to the settings; absent fields stay as they are. */
export const SettingsUpdate = z
  .object({
    stashUrl: httpUrl.optional(),
    /** A new API key; null removes it. It is stored encrypted and never sent back. */
    apiKey: z.string().trim().max(4096).nullable().optional(),
    backend: Backend.optional(),
    periodicSync: PeriodicSync.optional(),
    entities: z.array(entity).min(1).optional(),
    media: MediaSettings.optional(),
  })
  .strict();
export type SettingsUpdate = z.input<typeof SettingsUpdate>;

/** The settings as the interface sees them: secrets are never included. */
export interface SettingsView {
  stashUrl: string | null;
  hasApiKey: boolean;
  /** For PostgreSQL the URL is shown with its password masked. */
  backend: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  periodicSync: PeriodicSync;
  entities: EntityName[];
  media: MediaSettings;
}

/** What "Test connection" tries: the saved settings, or values typed but not saved yet. */
export const ConnectionCandidate = z
  .object({
    stashUrl: httpUrl.optional(),
    /** Omitted: the saved key. */
    apiKey: z.string().trim().max(4096).nullable().optional(),
  })
  .strict();
export type ConnectionCandidate = z.input<typeof ConnectionCandidate>;

export type ConnectionTestResult = { ok: true; version: string | null } | { ok: false; reason: string; errorKind: ErrorKind };

// ---------------------------------------------------------------------------------------------
// Sync

export const SyncRequest = z
  .object({
    /** Default: the entities chosen in the settings. */
    entities: z.array(entity).min(1).optional(),
    full: z.boolean().optional(),
  })
  .strict();
export type SyncRequest = z.input<typeof SyncRequest>;

export type SyncTrigger = 'manual' | 'schedule' | 'api';

/** One entity's progress in the status: what the engine reports. */
export type EntityProgress = SyncProgress;

export interface EntitySyncState {
  entity: EntityName;
  /** When the last successful run of this entity finished (ISO 8601). */
  lastSuccessAt: string | null;
  lastStatus: RunStatus | null;
  lastError: string | null;
}

export interface SyncStatus {
  /** 'cancelling' from the moment a cancel is answered until the sync has wound down (then 'idle'). */
  state: 'idle' | 'running' | 'cancelling';
  /** Set while running. */
  trigger: SyncTrigger | null;
  startedAt: string | null;
  progress: EntityProgress[];
  /** The pictures' step after the metadata sync, while it runs; null before it and when the cache is off. */
  mediaProgress: MediaProgress | null;
  /** When the last sync of all chosen entities succeeded. */
  lastSuccessAt: string | null;
  /** The reason the last sync failed, until one succeeds. */
  lastError: string | null;
  /** lastError's kind, null when there is none ('other' for a failure the run log recorded as text only). */
  lastErrorKind: ErrorKind | null;
  entities: EntitySyncState[];
  /** Periodic sync: when the next one starts, or null when periodic sync is off. */
  nextScheduledAt: string | null;
  /** False until every chosen entity has synced successfully once: search would miss whole entities. */
  mirrorReady: boolean;
  /**
   * What the running sync, or else the last one this service ran, left for the next sync (deletions
   * not checked, rescans to ask again), one line each; empty when it left nothing.
   */
  warnings: string[];
}

export type SyncOutcome =
  /** media: what the picture step did after the sync (cancelled keeps the sync's result); null when the cache is off or the step failed. */
  | { ok: true; summary: SyncSummary; media: MediaStepSummary | null }
  | { ok: false; reason: string; kind: 'alreadyRunning' | 'cancelled' | 'notConfigured' }
  | { ok: false; reason: string; kind: 'failed'; errorKind: ErrorKind };

export interface SyncRunView {
  runId: string;
  entity: EntityName;
  mode: SyncMode;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  fetched: number;
  upserted: number;
  staleMarked: number;
  error: string | null;
  /** The picture step after the run's sync (the same on each of its rows); null when none ran. */
  pictures: PictureCounts | null;
}

export type { PictureCounts };

export const RunsRequest = z.object({ limit: z.number().int().min(1).max(500).optional() }).strict();
export type RunsRequest = z.input<typeof RunsRequest>;

// ---------------------------------------------------------------------------------------------
// Search

export const SuggestRequest = z
  .object({
    kind: z.enum(['tags', 'performers', 'studios']),
    /** Matched against name starts, ignoring case and accents; empty lists the most used. */
    prefix: z.string().max(200),
    limit: z.number().int().min(1).max(100).optional(),
  })
  .strict();
export type SuggestRequest = z.input<typeof SuggestRequest>;

export const OpenExternalRequest = z.object({ url: httpUrl }).strict();
export type OpenExternalRequest = z.input<typeof OpenExternalRequest>;

// ---------------------------------------------------------------------------------------------
// The API

export interface AppInfo {
  version: string;
  /** Which host serves the interface. */
  host: 'electron' | 'web';
  /** Where the mirror lives, safe to show (no password). */
  databaseLocation: string;
}

export interface StashMirrorMethods {
  getAppInfo(): Promise<AppInfo>;
  getSettings(): Promise<SettingsView>;
  updateSettings(update: SettingsUpdate): Promise<SettingsView>;
  testConnection(candidate?: ConnectionCandidate): Promise<ConnectionTestResult>;
  getSyncStatus(): Promise<SyncStatus>;
  listSyncRuns(request?: RunsRequest): Promise<SyncRunView[]>;
  /** Starts a sync and resolves when it ends; progress arrives as `syncStatus` events. */
  syncNow(request?: SyncRequest): Promise<SyncOutcome>;
  cancelSync(): Promise<{ cancelled: boolean }>;
  searchMarkers(query: MarkerQueryInput): Promise<MarkerSearchResult>;
  suggest(request: SuggestRequest): Promise<NamedRef[]>;
  /** Performer genders present in the mirror. */
  listGenders(): Promise<string[]>;
  /** Opens a page of the configured Stash server in the user's browser; other addresses are refused. */
  openExternal(request: OpenExternalRequest): Promise<void>;
}

export type MethodName = keyof StashMirrorMethods;

/** Pushed from the service to every window. */
export interface StashMirrorEvents {
  /** Whenever the sync state changes; while running, at most a few times a second. */
  syncStatus: SyncStatus;
  /** Once per sync, when it ends. */
  syncFinished: SyncOutcome;
}

export type EventName = keyof StashMirrorEvents;

/** What the renderer sees as `window.stashMirror`, in Electron and in a browser alike. */
export interface StashMirrorApi extends StashMirrorMethods {
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: StashMirrorEvents[E]) => void): () => void;
}

const none = z.undefined();

/**
 * The schema each method's argument must pass on the receiving side. `satisfies` keeps this list
 * and the interface above in step: a method added to one and not the other fails to compile.
 */
export const METHOD_INPUTS = {
  getAppInfo: none,
  getSettings: none,
  updateSettings: SettingsUpdate,
  testConnection: ConnectionCandidate.optional(),
  getSyncStatus: none,
  listSyncRuns: RunsRequest.optional(),
  syncNow: SyncRequest.optional(),
  cancelSync: none,
  searchMarkers: MarkerQuery,
  suggest: SuggestRequest,
  listGenders: none,
  openExternal: OpenExternalRequest,
} as const satisfies { [K in MethodName]: z.ZodType };

// Names and IPC channels live in a zod-free module the sandboxed preload can bundle on its own.
export { EVENT_NAMES, METHOD_NAMES, ipcChannel, isMethodName } from './channels';

/** Headless host routes: `POST /api/rpc/<method>` with the argument as JSON, events on one SSE stream. */
export const HTTP_ROUTES = {
  rpc: (method: MethodName) => `/api/rpc/${method}`,
  events: '/api/events',
  syncStash: '/api/sync/stash',
} as const;
