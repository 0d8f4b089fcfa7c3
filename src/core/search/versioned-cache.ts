/**
 * A value derived from the mirror (the search's in-memory index, name suggestions), kept until the
 * search state's time moves: the last step of every sync moves it, whichever process ran the sync.
 */
export class VersionedCache<T> {
  private current: { version: string; value: Promise<T> } | null = null;
  /** The last value that finished loading: it answers for the version being refreshed until that one is ready. */
  private settled: { version: string; value: T } | null = null;
  private refreshing: string | null = null;

  get(version: string, load: () => Promise<T>): Promise<T> {
    if (this.refreshing === version && this.settled) return Promise.resolve(this.settled.value);
    // Its failure reaches the caller through the value returned.
    if (this.current?.version !== version) void this.start(version, load);
    return this.current!.value;
  }

  /**
   * Loads the value of the version its caller has just moved to (a sync, as it ends), while get()
   * keeps answering that version with the previous value until the new one is ready. Does nothing
   * for a cache never asked for a value: a process that does not search builds no index. `load`
   * gets the previous value, if one finished loading, to carry over what it learnt. A failed
   * load is not kept, and rejects here too.
   */
  async refresh(version: string, load: (previous: T | null) => Promise<T>): Promise<void> {
    if (!this.current || this.current.version === version) return;
    this.refreshing = version;
    const previous = this.settled?.value ?? null;
    try {
      await this.start(version, () => load(previous));
    } finally {
      if (this.refreshing === version) this.refreshing = null;
    }
  }

  /**
   * The value of `from`, finished loading, now answers `to` as well: the caller knows nothing it
   * derives from changed between the two versions. Does nothing unless `from` is the version held.
   */
  carryForward(from: string, to: string): boolean {
    if (this.current?.version !== from || this.settled?.version !== from || this.refreshing !== null) return false;
    this.settled = { version: to, value: this.settled.value };
    this.current = { version: to, value: this.current.value };
    return true;
  }

  clear(): void {
    this.current = null;
    this.settled = null;
    this.refreshing = null;
  }

  private start(version: string, load: () => Promise<T>): Promise<T> {
    const value = load();
    this.current = { version, value };
    value.then(
      (loaded) => {
        if (this.current?.value === value) this.settled = { version, value: loaded };
      },
      // A failed load is not kept: the next call tries again.
      () => {
        if (this.current?.value === value) this.current = null;
      },
    );
    return value;
  }
}

/** The search state's time as a version (null: never indexed). */
export function searchStateVersion(indexedAt: Date | null): string {
  return indexedAt === null ? 'never' : String(indexedAt.getTime());
}
