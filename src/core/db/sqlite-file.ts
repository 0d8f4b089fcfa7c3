/**
 * What a SQLite path holds, found out before the mirror opens it for writing, and the files' modes.
 *
 * A mirror is recognised by PRAGMA application_id, which new mirrors get at creation and older
 * ones on their next writable open; an older mirror without it is recognised by its tables (the
 * migrations ledger and the sync runs). Anything else — Stash's own database, say — is refused
 * untouched: opening it for writing would switch its journal mode and add our tables.
 */
import Database from 'better-sqlite3';
import { accessSync, chmodSync, closeSync, constants, existsSync, fchmodSync, fstatSync, openSync, readSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { MirrorSchemaError } from './store';

/** 'STMR' — stored in the header of every mirror this app creates. */
export const MIRROR_APPLICATION_ID = 0x53544d52;
/** The mirror, its -wal, -shm and lock files: the owner's alone. */
export const PRIVATE_FILE_MODE = 0o600;

const HEADER_MAGIC = 'SQLite format 3\0';
/** Tables only a mirror has together: drizzle's ledger and the runs the sync records. */
const MIRROR_TABLES = ['__drizzle_migrations', 'stash_sync_runs'];

export type SqliteFileKind = 'new' | 'mirror';

/**
 * 'new' for a missing or empty file, 'mirror' for one of ours; throws MirrorSchemaError for any
 * other file, having written nothing and created no file beside it.
 */
export function inspectSqliteFile(file: string, nativeBinding?: string): SqliteFileKind {
  if (!existsSync(file) || statSync(file).size === 0) return 'new';
  const header = readHeader(file);
  if (header.subarray(0, 16).toString('latin1') !== HEADER_MAGIC) {
    throw new MirrorSchemaError(`${file} is not a SQLite database; refusing to use it as the mirror`);
  }
  const applicationId = header.readUInt32BE(68);
  if (applicationId === MIRROR_APPLICATION_ID) return 'mirror';
  const tables = applicationId === 0 ? tablesOf(file, header, nativeBinding) : null;
  // A database without a single table holds nothing anyone could lose.
  if (tables && (tables.length === 0 || MIRROR_TABLES.every((t) => tables.includes(t)))) return 'mirror';
  throw new MirrorSchemaError(`${file} is a SQLite database of another program, not a Stash Mirror; it was left untouched`);
}

function readHeader(file: string): Buffer {
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  return header;
}

/**
 * The file's table names, read without leaving a trace: a read-only connection to a WAL-mode file
 * creates its -wal and -shm when they are missing, so such a file is read from a copy in memory.
 */
function tablesOf(file: string, header: Buffer, nativeBinding?: string): string[] {
  const db = isWalMode(header) && !sideFilesExist(file) ? inMemoryCopy(file, nativeBinding) : openReadOnlyFile(file, nativeBinding);
  try {
    const rows = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
    return rows.map((r) => r.name);
  } finally {
    db.close();
  }
}

const isWalMode = (header: Buffer) => header[18] === 2;
const sideFilesExist = (file: string) => existsSync(`${file}-wal`) && existsSync(`${file}-shm`);
const openReadOnlyFile = (file: string, nativeBinding?: string) => new Database(file, { readonly: true, fileMustExist: true, nativeBinding });

/**
 * The file's pages in memory, marked as a rollback-journal database: a copy in memory has no WAL
 * to read. Without a -wal file the main file holds every committed page, so the copy is whole.
 */
function inMemoryCopy(file: string, nativeBinding?: string): Database.Database {
  let pages: Buffer;
  try {
    pages = readFileSync(file);
  } catch (error) {
    // Past 2 GiB a file cannot be read whole; opening it in place would leave files beside it.
    const why = (error as NodeJS.ErrnoException).code === 'ERR_FS_FILE_TOO_LARGE' ? 'too large to read into memory' : (error as Error).message;
    throw new MirrorSchemaError(`${file} cannot be inspected without writing beside it (${why}); it was left untouched`);
  }
  pages[18] = 1;
  pages[19] = 1;
  return new Database(pages, { readonly: true, nativeBinding });
}

/**
 * A connection that never writes. SQLite opens a WAL-mode file only where its -wal and -shm exist
 * or can be created; in a folder we may not write, a mirror closed cleanly has neither, and is
 * read from a copy in memory instead (a mirror is tens of MB).
 */
export function openReadOnlyMirror(file: string, nativeBinding?: string): Database.Database {
  if (isWalMode(readHeader(file)) && !sideFilesExist(file) && !writable(dirname(file))) return inMemoryCopy(file, nativeBinding);
  return openReadOnlyFile(file, nativeBinding);
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates the file if missing and makes it the owner's alone, whatever the umask. A file another
 * account owns is refused: whoever can open a lock file can hold a read lock on it and block every sync.
 */
export function makePrivateFile(file: string): void {
  const fd = openSync(file, constants.O_RDWR | constants.O_CREAT, PRIVATE_FILE_MODE);
  try {
    const { uid } = fstatSync(fd);
    if (process.getuid && uid !== process.getuid()) {
      throw new MirrorSchemaError(`${file} belongs to another account; remove it or use a mirror in a folder of your own`);
    }
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/** Narrows an existing file to the owner when it is ours; a file we may not change keeps its mode. */
export function restrictExisting(file: string): void {
  try {
    chmodSync(file, PRIVATE_FILE_MODE);
  } catch {
    // Missing, or another account's: nothing to narrow.
  }
}

/** Whether the mirror must open read-only: its file or its folder (which holds -wal and -shm) is not writable. */
export function mustOpenReadOnly(file: string): boolean {
  return !writable(file) || !writable(dirname(file));
}
