/**
 * Chooses the mirror's database: a postgres:// URL selects PostgreSQL, anything else is the
 * embedded SQLite file. Callers get a MirrorStore and never learn which.
 */
import { PgMirrorStore } from './pg-store';
import { openWorkerMirrorStore } from './worker-store';
import { MirrorSchemaError, type MirrorStore } from './store';

export interface MirrorLocation {
  /** SQLite file; ignored when databaseUrl is given. */
  file?: string;
  /** postgres://… for a shared mirror. */
  databaseUrl?: string;
  /** Where the SQLite migrations are, when not beside the source (a bundled build). */
  migrationsFolder?: string;
  /** Likewise for PostgreSQL. */
  pgMigrationsFolder?: string;
  /** better-sqlite3's compiled addon, when not node_modules' own (the desktop app ships one built for Electron). */
  nativeBinding?: string;
}

export async function openMirrorStore(location: MirrorLocation): Promise<MirrorStore> {
  if (location.databaseUrl) {
    if (!/^postgres(ql)?:\/\//i.test(location.databaseUrl)) {
      throw new MirrorSchemaError('The database URL must start with postgres:// (a shared PostgreSQL mirror)');
    }
    return PgMirrorStore.open({ url: location.databaseUrl, migrationsFolder: location.pgMigrationsFolder });
  }
  if (!location.file) throw new MirrorSchemaError('No mirror database given');
  // The connection lives in a worker thread: writes never block the thread that talks to Stash.
  return openWorkerMirrorStore({ file: location.file, migrationsFolder: location.migrationsFolder, nativeBinding: location.nativeBinding });
}
