/**
 * What the service needs to know about the database the settings choose, answered here so that
 * nothing outside src/core/db tells SQLite from PostgreSQL: how to open it, how to show it, what
 * in it must never be shown, and whether it is a server that may refuse or be out of reach.
 */
import type { Backend, SettingsView } from '../../shared/contract';
import { passwordsOf, withoutPassword } from './database-url';
import type { MirrorLocation } from './open';

export interface BackendDescription {
  /** Two settings with the same key open the same mirror. */
  key: string;
  /** Where openMirrorStore finds it. */
  location: Pick<MirrorLocation, 'file' | 'databaseUrl'>;
  /** Where it is, safe to show: a URL's password masked. */
  shownLocation: string;
  /** As the settings page shows it. */
  view: SettingsView['backend'];
  /** Passwords it holds, to redact from every message. */
  secrets: string[];
  /** A database server: it can refuse a password or be unreachable, so it is opened before being saved. */
  isServer: boolean;
}

/** The backend of the settings; the embedded one is the file `sqliteFile`. */
export function describeBackend(backend: Backend, sqliteFile: string): BackendDescription {
  if (backend.kind === 'postgres') {
    const shown = withoutPassword(backend.url);
    return {
      key: `postgres ${backend.url}`,
      location: { databaseUrl: backend.url },
      shownLocation: shown,
      view: { kind: 'postgres', url: shown },
      secrets: passwordsOf(backend.url),
      isServer: true,
    };
  }
  return {
    key: 'sqlite',
    location: { file: sqliteFile },
    shownLocation: sqliteFile,
    view: { kind: 'sqlite', file: sqliteFile },
    secrets: [],
    isServer: false,
  };
}
