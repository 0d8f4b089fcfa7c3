/**
 * Name suggestions for the search filters. The live names with their use counts are read once per
 * mirror state and matched in memory, with the same normalization marker search uses (case and
 * accents ignored), so both databases suggest exactly the same names in the same order.
 */
import type { NamedRef, SuggestRequest } from '../../shared/contract';
import type { MirrorStore } from '../db/store';
import { searchWords } from '../search/text';
import { searchStateVersion, VersionedCache } from '../search/versioned-cache';

export type SuggestKind = SuggestRequest['kind'];
export const DEFAULT_SUGGESTIONS = 20;

interface Candidate extends NamedRef {
  /** The name's words, normalized. */
  words: string[];
  key: string;
  /** Markers using a tag (as primary or secondary), scenes featuring a performer or made by a studio. */
  uses: number;
}

/** Most used first; ties by normalized name, then id, so the order never depends on the database. */
function byUse(a: Candidate, b: Candidate): number {
  return b.uses - a.uses || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.id - b.id;
}

/**
 * Candidates per kind for one mirror state: reloaded when the search state's time moves, which the
 * last step of every sync does, whichever process ran it; `clear` after a database switch.
 */
export class SuggestionIndex {
  private readonly loaded: Record<SuggestKind, VersionedCache<Candidate[]>> = {
    tags: new VersionedCache(),
    performers: new VersionedCache(),
    studios: new VersionedCache(),
  };

  constructor(private readonly store: () => Promise<MirrorStore>) {}

  clear(): void {
    for (const cache of Object.values(this.loaded)) cache.clear();
  }

  async suggest(request: SuggestRequest): Promise<NamedRef[]> {
    const limit = request.limit ?? DEFAULT_SUGGESTIONS;
    const candidates = await this.candidates(request.kind);
    const wanted = searchWords(request.prefix);
    if (wanted.length === 0) return candidates.slice(0, limit).map(toRef);
    const prefix = wanted.join(' ');
    // Names that start with the prefix come before names with a later word that does.
    const starts: Candidate[] = [];
    const inside: Candidate[] = [];
    for (const candidate of candidates) {
      if (candidate.key.startsWith(prefix)) starts.push(candidate);
      else if (candidate.words.some((_, i) => i > 0 && candidate.words.slice(i).join(' ').startsWith(prefix))) inside.push(candidate);
      if (starts.length >= limit) break;
    }
    return [...starts, ...inside].slice(0, limit).map(toRef);
  }

  private async candidates(kind: SuggestKind): Promise<Candidate[]> {
    const indexedAt = await (await this.store()).searchIndexedAt();
    return this.loaded[kind].get(searchStateVersion(indexedAt), () => this.load(kind));
  }

  private async load(kind: SuggestKind): Promise<Candidate[]> {
    const store = await this.store();
    return (await store.suggestionCandidates(kind))
      .map((row) => {
        const words = searchWords(row.name);
        return { ...row, words, key: words.join(' ') };
      })
      .sort(byUse);
  }
}

function toRef(candidate: Candidate): NamedRef {
  return { id: candidate.id, name: candidate.name };
}
