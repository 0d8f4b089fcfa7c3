/**
 * Chooses the mirror's database: a postgres:// URL selects PostgreSQL, anything else is the
 * embedded SQLite file. Callers get a MirrorStore and never learn which.
 */
import { openWorkerMirrorStore } from './worker-store';
import { MirrorSchemaError, type MirrorStore } from './store';

export interface MirrorLocation {
  /** SQLite file; ignored when databaseUrl is given. */
  file?: string;
  /** postgres://… for a shared mirror. */
  databaseUrl?: string;
  /** Where the SQLite migrations are, when not beside the source (a bundled build). */
  migrationsFolder?: string;
}

export async function openMirrorStore(location: MirrorLocation): Promise<MirrorStore> {
  if (location.databaseUrl) {
    throw new MirrorSchemaError('PostgreSQL mirrors are not supported by this version yet; use the SQLite file (--db)');
  }
  if (!location.file) throw new MirrorSchemaError('No mirror database given');
  // The connection lives in a worker thread: writes never block the thread that talks to Stash.
  return openWorkerMirrorStore({ file: location.file, migrationsFolder: location.migrationsFolder });
}
