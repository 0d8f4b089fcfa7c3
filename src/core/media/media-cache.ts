/**
 * The offline media cache: picture files in a directory beside the mirror, and a small SQLite
 * index of them (index.sqlite, WAL, so the host and the app read while the media step writes).
 *
 * A file is written to tmp/ and renamed into files/ before its index row is written, so a kill at
 * any point leaves either the old entry or the new one; what a kill strands (temp files, renamed
 * files without a row) is swept by repair(), which only the writer calls.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { mediaKeyOfStashPath, type MediaKind } from './media-kinds';

export { mediaKeyOfStashPath };

export interface MediaCacheOptions {
  budgetBytes: number;
  /** better-sqlite3's compiled addon, when not node_modules' own (the desktop app ships one built for Electron). */
  nativeBinding?: string;
}

/** A cached picture as readers get it; a placeholder has no file (path ''). */
export interface CacheHit {
  path: string;
  contentType: string;
  placeholder: boolean;
}

/** One picture as the index holds it. */
export interface CachedPicture {
  kind: MediaKind;
  id: number;
  /** The Stash updated_at the picture was fetched for. */
  version: string;
  placeholder: boolean;
  bytes: number;
  /** When it was fetched (ms since the epoch): placeholders are asked for again after a while. */
  fetchedAt: number;
}

interface IndexRow {
  kind: MediaKind;
  id: number;
  version: string;
  file: string | null;
  content_type: string;
  bytes: number;
  placeholder: number;
  fetched_at: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS pictures (
    kind TEXT NOT NULL,
    id INTEGER NOT NULL,
    version TEXT NOT NULL,
    file TEXT,
    content_type TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    placeholder INTEGER NOT NULL,
    fetched_at INTEGER NOT NULL,
    last_used INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS pictures_last_used_idx ON pictures (last_used);
`;

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/svg+xml': 'svg',
  'image/avif': 'avif',
};

function extensionOf(contentType: string): string {
  return EXTENSIONS[contentType.split(';')[0]!.trim().toLowerCase()] ?? 'bin';
}

/** Lookups' "last used" marks wait this long, or for this many, before they are written in one transaction. */
const TOUCH_FLUSH_MS = 1000;
const TOUCH_FLUSH_COUNT = 500;

export class MediaCache {
  private readonly filesDir: string;
  private readonly tmpDir: string;
  private readonly findForLookup: Database.Statement;
  private readonly touch: Database.Statement;
  /**
   * Pictures looked up since the last flush, with when. A write per lookup would take the index's
   * write lock on every picture request (and wait behind the media step's writes); the LRU order
   * only needs the marks by the next eviction, so they are written together.
   */
  private readonly touched = new Map<string, { kind: MediaKind; id: number; at: number }>();
  private flushTimer: NodeJS.Timeout | null = null;

  private constructor(
    readonly dir: string,
    private readonly db: Database.Database,
    private budgetBytes: number,
  ) {
    this.filesDir = join(dir, 'files');
    this.tmpDir = join(dir, 'tmp');
    this.findForLookup = db.prepare('SELECT file, content_type, placeholder FROM pictures WHERE kind = ? AND id = ?');
    // max(): a mark older than what the step wrote since (a fetch sets last_used) never moves it back.
    this.touch = db.prepare('UPDATE pictures SET last_used = max(last_used, ?) WHERE kind = ? AND id = ?');
  }

  static open(dir: string, options: MediaCacheOptions): MediaCache {
    mkdirSync(join(dir, 'files'), { recursive: true });
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    const db = new Database(join(dir, 'index.sqlite'), { nativeBinding: options.nativeBinding });
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    return new MediaCache(dir, db, options.budgetBytes);
  }

  /**
   * The cache as a reader that may not write there (a search by another account, a read-only
   * folder): no folders made, no schema or journal change, and lookups not marked used. Null
   * when there is no index, or this account cannot read it: the caller then knows of no picture.
   */
  static openForReading(dir: string, options: Pick<MediaCacheOptions, 'nativeBinding'> = {}): MediaCache | null {
    let db: Database.Database;
    try {
      db = new Database(join(dir, 'index.sqlite'), { readonly: true, fileMustExist: true, nativeBinding: options.nativeBinding });
      db.prepare('SELECT 1 FROM pictures LIMIT 1').get();
    } catch {
      return null;
    }
    return new MediaCache(dir, db, Number.POSITIVE_INFINITY);
  }

  /** Cache-first read: the cached file of this picture, whatever its version, or null. Marks it used (LRU). */
  lookup(kind: MediaKind, id: number): CacheHit | null {
    const hit = this.peek(kind, id);
    if (hit) this.markUsed(kind, id);
    return hit;
  }

  /** What lookup answers, without marking the picture used: for listing what is cached, not showing it. */
  peek(kind: MediaKind, id: number): CacheHit | null {
    const row = this.findForLookup.get(kind, id) as Pick<IndexRow, 'file' | 'content_type' | 'placeholder'> | undefined;
    if (!row) return null;
    const path = row.file === null ? '' : join(this.filesDir, row.file);
    // A file removed behind the cache's back is a miss, not a broken picture.
    if (row.file !== null && !existsSync(path)) return null;
    return { path, contentType: row.content_type, placeholder: row.placeholder === 1 };
  }

  /** Writes the pending "last used" marks; eviction and close call it, a timer otherwise. */
  flushUsage(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.touched.size === 0) return;
    const marks = [...this.touched.values()];
    this.touched.clear();
    try {
      this.db.transaction(() => marks.forEach((m) => this.touch.run(m.at, m.kind, m.id)))();
    } catch {
      // The order of eviction is a hint: marks lost to a busy index only make a picture look older.
    }
  }

  private markUsed(kind: MediaKind, id: number): void {
    this.touched.set(`${kind}:${id}`, { kind, id, at: Date.now() });
    if (this.touched.size >= TOUCH_FLUSH_COUNT) this.flushUsage();
    else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flushUsage(), TOUCH_FLUSH_MS);
      // A pending mark never keeps the process alive.
      this.flushTimer.unref();
    }
  }

  /** Every cached picture. */
  entries(): CachedPicture[] {
    return this.toEntries(this.db.prepare('SELECT kind, id, version, bytes, placeholder, fetched_at FROM pictures').all() as IndexRow[]);
  }

  /** The cached pictures of one kind with afterId < id <= throughId (null: no bound), for the media step to compare with a page of the mirror. */
  entriesBetween(kind: MediaKind, afterId: number | null, throughId: number | null): CachedPicture[] {
    const rows = this.db
      .prepare('SELECT kind, id, version, bytes, placeholder, fetched_at FROM pictures WHERE kind = ? AND id > ? AND id <= ? ORDER BY id')
      .all(kind, afterId ?? Number.MIN_SAFE_INTEGER, throughId ?? Number.MAX_SAFE_INTEGER) as IndexRow[];
    return this.toEntries(rows);
  }

  private toEntries(rows: IndexRow[]): CachedPicture[] {
    return rows.map((r) => ({
      kind: r.kind,
      id: r.id,
      version: r.version,
      placeholder: r.placeholder === 1,
      bytes: r.bytes,
      fetchedAt: r.fetched_at,
    }));
  }

  /** Stores a fetched picture for this version, replacing (and deleting the file of) what was there. */
  async store(kind: MediaKind, id: number, version: string, picture: { body: Uint8Array; contentType: string }): Promise<void> {
    const stamp = createHash('sha1').update(version).digest('hex').slice(0, 12);
    const file = `${kind}-${id}-${stamp}.${extensionOf(picture.contentType)}`;
    const tmp = join(this.tmpDir, `${randomUUID()}.part`);
    await writeFile(tmp, picture.body, { flush: true });
    await rename(tmp, join(this.filesDir, file));
    this.putRow({ kind, id, version, file, content_type: picture.contentType, bytes: picture.body.byteLength, placeholder: 0 });
  }

  /** Remembers that Stash has no real picture for this version (its "not generated" default). */
  storePlaceholder(kind: MediaKind, id: number, version: string): void {
    this.putRow({ kind, id, version, file: null, content_type: '', bytes: 0, placeholder: 1 });
  }

  /** Deletes these pictures' rows and files; returns how many there were. */
  remove(keys: readonly { kind: MediaKind; id: number }[]): number {
    const files: string[] = [];
    const select = this.db.prepare('SELECT file FROM pictures WHERE kind = ? AND id = ?').pluck();
    const del = this.db.prepare('DELETE FROM pictures WHERE kind = ? AND id = ?');
    let removed = 0;
    this.db.transaction(() => {
      for (const { kind, id } of keys) {
        const file = select.get(kind, id) as string | null | undefined;
        if (file) files.push(file);
        removed += del.run(kind, id).changes;
      }
    })();
    for (const file of files) this.unlinkQuietly(file);
    return removed;
  }

  /** Bytes of real pictures held (placeholders count as none). */
  usedBytes(): number {
    return Number(this.db.prepare('SELECT coalesce(sum(bytes), 0) FROM pictures').pluck().get());
  }

  /**
   * Removes least recently used pictures until the cache is within its budget. Pictures used or
   * fetched at or after `keepSince` are never evicted: `full` then says the budget is spent on them.
   */
  evict(keepSince = Number.POSITIVE_INFINITY): { evicted: number; full: boolean } {
    this.flushUsage();
    let over = this.usedBytes() - this.budgetBytes;
    if (over <= 0) return { evicted: 0, full: false };
    const candidates = this.db
      .prepare('SELECT kind, id, bytes FROM pictures WHERE bytes > 0 AND last_used < ? ORDER BY last_used, kind, id')
      .all(keepSince) as Pick<IndexRow, 'kind' | 'id' | 'bytes'>[];
    const victims: { kind: MediaKind; id: number }[] = [];
    for (const c of candidates) {
      if (over <= 0) break;
      victims.push(c);
      over -= c.bytes;
    }
    return { evicted: this.remove(victims), full: over > 0 };
  }

  /**
   * Brings the files in line with the index after a kill: temp files and files no row names are
   * deleted, rows whose file is gone are dropped. Only the writer (the media step) calls it.
   */
  repair(): { files: number; rows: number } {
    for (const name of readdirSync(this.tmpDir)) rmSync(join(this.tmpDir, name), { force: true });
    const named = new Set(this.db.prepare('SELECT file FROM pictures WHERE file IS NOT NULL').pluck().all() as string[]);
    let files = 0;
    for (const name of readdirSync(this.filesDir)) {
      if (named.has(name)) continue;
      this.unlinkQuietly(name);
      files++;
    }
    const missing = [...named].filter((name) => !existsSync(join(this.filesDir, name)));
    const del = this.db.prepare('DELETE FROM pictures WHERE file = ?');
    this.db.transaction(() => missing.forEach((name) => del.run(name)))();
    return { files, rows: missing.length };
  }

  close(): void {
    this.flushUsage();
    this.db.close();
  }

  private putRow(row: Omit<IndexRow, 'fetched_at'>): void {
    const now = Date.now();
    const old = this.db.prepare('SELECT file FROM pictures WHERE kind = ? AND id = ?').pluck().get(row.kind, row.id) as string | null | undefined;
    this.db
      .prepare(
        `INSERT INTO pictures (kind, id, version, file, content_type, bytes, placeholder, fetched_at, last_used)
         VALUES (@kind, @id, @version, @file, @content_type, @bytes, @placeholder, @now, @now)
         ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, file = excluded.file,
           content_type = excluded.content_type, bytes = excluded.bytes, placeholder = excluded.placeholder,
           fetched_at = excluded.fetched_at, last_used = excluded.last_used`,
      )
      .run({ ...row, now });
    if (old && old !== row.file) this.unlinkQuietly(old);
  }

  private unlinkQuietly(file: string): void {
    try {
      unlinkSync(join(this.filesDir, file));
    } catch {
      // Already gone: the index is what counts.
    }
  }
}
