/** Which mirror a command-line tool opens. */
import { defaultDatabaseFile } from '../core/paths';
import { UsageError } from './usage';

/** A SQLite file, or a PostgreSQL URL. */
export type MirrorLocation = { file: string; databaseUrl?: undefined } | { file?: undefined; databaseUrl: string };

/**
 * The mirror a command opens. An option beats any environment variable: `--db` with DATABASE_URL
 * set still means that file, so a shell set up for a shared mirror cannot redirect a command that
 * names its own. Naming both options at once is a usage error.
 */
export function mirrorLocation(options: { db?: string; 'database-url'?: string }, env: NodeJS.ProcessEnv): MirrorLocation {
  const { db, 'database-url': databaseUrl } = options;
  if (db !== undefined && databaseUrl !== undefined) {
    throw new UsageError('Pass either --db (a SQLite file) or --database-url (PostgreSQL), not both');
  }
  if (db !== undefined) return { file: db };
  if (databaseUrl !== undefined) return { databaseUrl };
  if (env.DATABASE_URL) return { databaseUrl: env.DATABASE_URL };
  return { file: env.STASH_MIRROR_DB || defaultDatabaseFile(env) };
}
