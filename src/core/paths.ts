/**
 * Where the app keeps its data when the user names no database: the same folder Electron's
 * app.getPath('userData') gives the desktop app, so the CLI and the app share one mirror.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

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
