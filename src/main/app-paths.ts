/**
 * Where the app's files are: beside the bundle in development (out/main → the project), in
 * process.resourcesPath once packaged (electron-builder.yml's extraResources).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app } from 'electron';

const projectRoot = join(import.meta.dirname, '../..');

function resource(packaged: string, development: string): string {
  return app.isPackaged ? join(process.resourcesPath, packaged) : join(projectRoot, development);
}

export const appPaths = {
  preload: join(import.meta.dirname, '../preload/index.cjs'),
  renderer: join(import.meta.dirname, '../renderer/index.html'),
  /** The utility process's entry, a second input of the main build (electron.vite.config.ts). */
  mirrorProcess: join(import.meta.dirname, 'mirror-process.js'),
  sqliteMigrations: () => resource('drizzle/sqlite', 'drizzle/sqlite'),
  pgMigrations: () => resource('drizzle/pg', 'drizzle/pg'),
  icons: () => resource('icons', 'resources'),
  /**
   * better-sqlite3 built for Electron's ABI (npm run rebuild:electron); node_modules keeps the
   * Node build the CLI and tests use. In development, undefined until it has been built; packaged,
   * always the shipped file, so a missing one is reported by its path.
   */
  sqliteNativeBinding: (): string | undefined => {
    const file = resource('native/better_sqlite3.node', 'build/native/electron/better_sqlite3.node');
    return app.isPackaged || existsSync(file) ? file : undefined;
  },
};
