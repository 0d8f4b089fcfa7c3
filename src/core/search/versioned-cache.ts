/**
 * A value derived from the mirror (the search's in-memory index, name suggestions), kept until the
 * search state's time moves: the last step of every sync moves it, whichever process ran the sync.
 */
export class VersionedCache<T> {
  private current: { version: string; value: Promise<T> } | null = null;

  get(version: string, load: () => Promise<T>): Promise<T> {
    if (this.current?.version !== version) {
      const value = load();
      this.current = { version, value };
      // A failed load is not kept: the next call tries again.
      value.catch(() => {
        if (this.current?.value === value) this.current = null;
      });
    }
    return this.current.value;
  }

  clear(): void {
    this.current = null;
  }
}

/** The search state's time as a version (null: never indexed). */
export function searchStateVersion(indexedAt: Date | null): string {
  return indexedAt === null ? 'never' : String(indexedAt.getTime());
}
