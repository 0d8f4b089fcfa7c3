/**
 * Name suggestions for the search filters. The live names with their use counts are read once per
 * mirror state and matched in memory, with the same normalization marker search uses (case and
 * accents ignored), so both databases suggest exactly the same names in the same order.
 */
import type { NamedRef, SuggestRequest } from '../../shared/contract';
import { SEARCH_INDEXED_AT } from '../db/mirror-sql';
import type { MirrorStore } from '../db/store';
import { searchWords } from '../search/text';
import { searchStateVersion, VersionedCache } from '../search/versioned-cache';

export type SuggestKind = SuggestRequest['kind'];
export const DEFAULT_SUGGESTIONS = 20;

interface Candidate extends NamedRef {
  /** The name's words, normalized. */
  words: string[];
  key: string;
  /** Markers using a tag (as primary or secondary), or scenes featuring a performer. */
  uses: number;
}

/** Count queries in plain SQL both dialects run alike (the PostgreSQL store reads bigint counts as numbers). */
const CANDIDATES_SQL: Record<SuggestKind, string> = {
  tags: `
    SELECT t.id, t.name, coalesce(u.n, 0) AS uses
    FROM stash_tags t
    LEFT JOIN (
      SELECT tag_id, count(*) AS n FROM (
        SELECT m.primary_tag_id AS tag_id FROM stash_scene_markers m WHERE NOT m.is_stale
        UNION ALL
        SELECT mt.tag_id FROM stash_scene_marker_tags mt
        JOIN stash_scene_markers m ON m.id = mt.marker_id AND NOT m.is_stale
      ) used GROUP BY tag_id
    ) u ON u.tag_id = t.id
    WHERE NOT t.is_stale`,
  performers: `
    SELECT p.id, p.name, count(s.id) AS uses
    FROM stash_performers p
    LEFT JOIN stash_scene_performers sp ON sp.performer_id = p.id
    LEFT JOIN stash_scenes s ON s.id = sp.scene_id AND NOT s.is_stale
    WHERE NOT p.is_stale
    GROUP BY p.id, p.name`,
};

export const GENDERS_SQL = `
  SELECT DISTINCT gender FROM stash_performers
  WHERE NOT is_stale AND gender IS NOT NULL ORDER BY gender`;

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
    const [state] = await (await this.store()).read<{ t: unknown }>(SEARCH_INDEXED_AT);
    return this.loaded[kind].get(searchStateVersion(state?.t), () => this.load(kind));
  }

  private async load(kind: SuggestKind): Promise<Candidate[]> {
    const store = await this.store();
    const rows = await store.read<{ id: number | string; name: string; uses: number | string }>(CANDIDATES_SQL[kind]);
    return rows
      .map((row) => {
        const words = searchWords(row.name);
        return { id: Number(row.id), name: row.name, words, key: words.join(' '), uses: Number(row.uses) };
      })
      .sort(byUse);
  }
}

function toRef(candidate: Candidate): NamedRef {
  return { id: candidate.id, name: candidate.name };
}
