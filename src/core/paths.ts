/**
 * Where the app keeps its data when the user names no database: the same folder Electron's
 * app.getPath('userData') gives the desktop app, so the CLI and the app share one mirror.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const APP_NAME = 'Stash Mirror';
export const DEFAULT_DB_FILENAME = 'stash-mirror.db';

export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), APP_NAME);
}

export function defaultDatabaseFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(userDataDir(env), DEFAULT_DB_FILENAME);
}

/** The data folder and the mirror's: the owner's alone (the mirror may hold what Stash keeps private). */
export const PRIVATE_DIR_MODE = 0o700;

/** Creates the folder and any missing parents 0700 whatever the umask; an existing folder is left as it is. */
export function makePrivateDir(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (first === undefined) return;
  for (let created = dir; created.length >= first.length; created = dirname(created)) {
    chmodSync(created, PRIVATE_DIR_MODE);
    if (created === first) break;
  }
}

/** Beside a SQLite mirror file: `<file>.media/`. */
export const MEDIA_DIR_SUFFIX = '.media';

/**
 * Where the picture cache lives: beside the mirror, never inside the database. A SQLite mirror
 * has it next to its file; a PostgreSQL mirror has no file, so the cache goes in the data folder.
 */
export function mediaCacheDir(mirror: { file?: string; databaseUrl?: string }, dataDir: string): string {
  return mirror.databaseUrl === undefined && mirror.file ? `${mirror.file}${MEDIA_DIR_SUFFIX}` : join(dataDir, 'media');
}
