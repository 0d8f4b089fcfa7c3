/**
 * `npm run sync:stash`: one sync of a Stash library into the mirror, from a terminal or a script.
 * Exit codes: 0 done, 2 bad arguments, 3 another sync is running, 1 anything else.
 */
import { parseArgs } from 'node:util';
import { openMirrorStore } from '../core/db/open';
import { SyncAlreadyRunningError, type MirrorStore } from '../core/db/store';
import { isEntryPoint } from '../core/entry-point';
import { errorKindOf } from '../core/errors';
import { oneLine } from '../core/one-line';
import { createLogger, logLevelFrom, streamSink } from '../core/log';
import { ENTITIES, type EntityName } from '../core/mirror-rows';
import { DEFAULT_MAX_RESPONSE_BYTES, StashClient } from '../core/stash/client';
import { syncStash, type SyncSummary } from '../core/sync/engine';
import { newestRunId, recordRefusedSync } from '../core/service/history';
import { mirrorLocation, type MirrorLocation } from './mirror-options';
import { readSecret, warnOnStderr, type Warn } from './secret-option';
import { progressBars } from './sync-progress';
import { HelpRequested, reportUsage, USAGE_EXIT, UsageError } from './usage';
import type { Logger } from '../core/log';
import type { MediaProgress, MediaStepSummary } from '../core/media/media-step';
import { mediaCacheDir, userDataDir } from '../core/paths';
import { cacheMediaAfterSync, openMediaCache } from '../core/service/media-after-sync';
import { DEFAULT_SETTINGS } from '../core/service/settings';

const USAGE = `Usage: npm run sync:stash -- --stash-url URL [--api-key-file FILE] [--db FILE] [--database-url URL]
                          [--entities performers,tags,scenes,markers] [--full] [--json] [--max-response-mb N]
                          [--no-media] [--media-previews]
After the sync, marker screenshots and performer images are cached beside the mirror (<db>.media/,
or media/ in the app's data folder for PostgreSQL) unless --no-media; --media-previews adds previews.
Environment: STASH_URL, STASH_API_KEY, STASH_MIRROR_DB, DATABASE_URL
The API key file holds the key alone (a final line break is ignored); --api-key KEY works too, but
every local account can read a command line.`;

export const EXIT = { ok: 0, failed: 1, usage: USAGE_EXIT, alreadyRunning: 3 } as const;

export interface SyncCommand {
  stashUrl: string;
  apiKey?: string;
  mirror: MirrorLocation;
  entities: EntityName[];
  full: boolean;
  json: boolean;
  /** Past this, one answer from Stash fails the sync instead of filling memory. */
  maxResponseBytes: number;
  /** Cache pictures after the sync (the default). */
  media: boolean;
  mediaPreviews: boolean;
}

export function parseSyncCommand(argv: string[], env: NodeJS.ProcessEnv, warn: Warn = warnOnStderr): SyncCommand {
  const { values } = parseArgs({
    args: argv,
    options: {
      'stash-url': { type: 'string' },
      'api-key': { type: 'string' },
      'api-key-file': { type: 'string' },
      db: { type: 'string' },
      'database-url': { type: 'string' },
      entities: { type: 'string' },
      full: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'max-response-mb': { type: 'string' },
      'no-media': { type: 'boolean', default: false },
      'media-previews': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) throw new HelpRequested(USAGE);
  const stashUrl = values['stash-url'] ?? env.STASH_URL;
  if (!stashUrl) throw new UsageError(`No Stash URL: pass --stash-url or set STASH_URL\n${USAGE}`);
  const entities = (values.entities ?? ENTITIES.join(','))
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const unknown = entities.filter((e) => !(ENTITIES as readonly string[]).includes(e));
  if (unknown.length > 0 || entities.length === 0) {
    throw new UsageError(`Unknown entities: ${unknown.join(', ') || '(none)'}; choose from ${ENTITIES.join(', ')}`);
  }
  return {
    stashUrl,
    apiKey: readSecret({ flag: 'api-key', envName: 'STASH_API_KEY', value: values['api-key'], file: values['api-key-file'] }, env, warn),
    mirror: mirrorLocation(values, env),
    entities: entities as EntityName[],
    full: values.full,
    json: values.json,
    maxResponseBytes: maxResponseBytes(values['max-response-mb']),
    media: !values['no-media'],
    mediaPreviews: values['media-previews'],
  };
}

function maxResponseBytes(megabytes: string | undefined): number {
  if (megabytes === undefined) return DEFAULT_MAX_RESPONSE_BYTES;
  if (!/^[1-9]\d{0,5}$/.test(megabytes))
    throw new UsageError(`--max-response-mb takes a whole number of megabytes from 1 to 999999, not "${megabytes}"`);
  return Number(megabytes) * 1024 * 1024;
}

/** What the summary calls the sync: a first sync fills an empty mirror, whatever its mode. */
export function syncTitle(mode: SyncSummary['mode'], firstSync: boolean): string {
  if (firstSync) return 'First sync';
  return mode === 'full' ? 'Full sync' : 'Incremental sync';
}

function describeSummary(summary: SyncSummary, location: string, firstSync: boolean): string {
  const lines = summary.entities.map(
    (e) =>
      `  ${e.entity.padEnd(10)} fetched ${e.fetched}, upserted ${e.upserted}, marked stale ${e.staleMarked}` +
      (e.deletionsChecked ? '' : ' (deletions not checked: Stash changed during the listing)'),
  );
  return [
    `${syncTitle(summary.mode, firstSync)} from Stash ${summary.server.version ?? ''} into ${location} (${summary.requests} requests)`,
    ...lines,
  ].join('\n');
}

/** No entity to sync has a live row yet: this sync fills the mirror. */
async function mirrorIsEmpty(store: MirrorStore, entities: readonly EntityName[]): Promise<boolean> {
  for (const entity of entities) if ((await store.countLive(entity)) > 0) return false;
  return true;
}

/** The picture step after the sync; a failure or a cancel of it keeps the sync's result. */
async function cachePictures(
  store: MirrorStore,
  command: SyncCommand,
  runId: string,
  signal: AbortSignal,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  onProgress: (progress: MediaProgress) => void,
): Promise<MediaStepSummary | null> {
  const settings = { ...DEFAULT_SETTINGS.media, includePreviews: command.mediaPreviews };
  const cache = openMediaCache(mediaCacheDir(command.mirror, userDataDir(env)), settings);
  try {
    return await cacheMediaAfterSync(store, {
      cache,
      runId,
      stashUrl: command.stashUrl,
      apiKey: command.apiKey,
      media: settings,
      signal,
      onProgress,
      logger,
    });
  } catch (error) {
    logger.warn(`Pictures were not cached: ${oneLine((error as Error).message)}`);
    return null;
  } finally {
    cache.close();
  }
}

function describeMedia(media: MediaStepSummary): string {
  return (
    `  pictures   downloaded ${media.downloaded}, already cached ${media.alreadyCached}, not generated in Stash ${media.placeholders}, failed ${media.failed}` +
    (media.cancelled ? ' (cancelled)' : '')
  );
}

export async function runSyncCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let command: SyncCommand;
  try {
    command = parseSyncCommand(argv, env);
  } catch (error) {
    return reportUsage(error);
  }
  const log = (message: string) => process.stderr.write(`${message}\n`);
  // Beyond the outcome above: what the engine warns of, and what went wrong on the side.
  const rootLogger = createLogger(streamSink(process.stderr), { level: logLevelFrom(env) });
  const logger = rootLogger.child('sync');
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = progressBars(!command.json && process.stderr.isTTY === true);
  let store: MirrorStore | null = null;
  let newestBefore: number | null = null;
  try {
    store = await openMirrorStore(command.mirror);
    newestBefore = await newestRunId(store);
    const firstSync = await mirrorIsEmpty(store, command.entities);
    const client = new StashClient({ url: command.stashUrl, apiKey: command.apiKey, maxResponseBytes: command.maxResponseBytes });
    const summary = await syncStash({
      client,
      store,
      entities: command.entities,
      full: command.full,
      signal: controller.signal,
      onProgress: progress.update,
      // The engine logs its warnings (and what it retried or could not refresh) under 'sync'.
      logger: rootLogger,
    });
    progress.finish(summary);
    const media = command.media ? await cachePictures(store, command, summary.runId, controller.signal, env, logger, progress.pictures) : null;
    if (media) progress.finishPictures(media);
    progress.stop();
    if (command.json) process.stdout.write(`${JSON.stringify({ ...summary, firstSync, media })}\n`);
    else process.stdout.write(`${describeSummary(summary, store.location, firstSync)}\n${media ? `${describeMedia(media)}\n` : ''}`);
    return EXIT.ok;
  } catch (error) {
    progress.stop();
    // A cancel is what the user asked for, not a failure.
    if (controller.signal.aborted) {
      log('Sync cancelled');
      return EXIT.failed;
    }
    if (error instanceof SyncAlreadyRunningError) {
      log(`sync:stash failed: ${oneLine(error.message)}`);
      return EXIT.alreadyRunning;
    }
    const reason = oneLine((error as Error).message);
    log(`sync:stash failed: ${reason}`);
    // Refused before its first entity (a wrong key, an unreachable host): History shows it too.
    const refused = {
      entities: command.entities,
      mode: command.full ? ('full' as const) : ('incremental' as const),
      error: reason,
      errorKind: errorKindOf(error),
    };
    if (store) {
      await recordRefusedSync(store, newestBefore, refused).catch((error: unknown) =>
        logger.warn(`The refused sync was not recorded in History: ${oneLine((error as Error).message)}`),
      );
    }
    return EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store?.close();
  }
}

if (isEntryPoint(import.meta.url)) {
  process.exitCode = await runSyncCommand(process.argv.slice(2));
}
