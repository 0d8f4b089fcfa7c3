/**
 * The search's in-memory index: the orders it computes without SQL agree with the databases', it
 * follows syncs made through another connection (another process, in the app), and the tag
 * closure it reads stops at stale tags.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { orderRange, randomKey, seedMix } from '../src/core/search/marker-index';
import { searchMarkers } from '../src/core/search/search';
import { compareCodePoints, searchDocument, searchWords } from '../src/core/search/text';
import { syncStash } from '../src/core/sync/engine';
import { createClock, FakeLibrary } from '../tools/fake-stash';
import { describeEachDialect, startHarness, type Harness, type MirrorDatabase } from './support/harness';

/**
 * Writes the mirror as only the sync may, to leave it as a sync stopped halfway would: through a
 * connection of its own that marks its transaction as the sync's.
 */
async function writeAsSync(database: MirrorDatabase, statements: string[]): Promise<void> {
  const target = database.cliArgs[1]!;
  if (database.dialect === 'sqlite') {
    const raw = new Database(target);
    try {
      raw.transaction(() => {
        raw.prepare(`INSERT INTO stash_sync_writer (token) VALUES ('test')`).run();
        for (const statement of statements) raw.prepare(statement).run();
        raw.prepare('DELETE FROM stash_sync_writer').run();
      })();
    } finally {
      raw.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('stash_mirror.sync_writer', 'on', true)`);
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

describe('byte order of text', () => {
  // U+FF21 (a BMP letter above the surrogates) and U+1F600 (a surrogate pair in UTF-16):
  // JavaScript's < puts the emoji first, UTF-8 bytes and code points put it last.
  const samples = ['', 'a', 'ab', 'b', 'Z', 'é', 'e\u0301', '\uFF21', '\u{1F600}', '\u{1F600}a', '\uE000', '日本', 'ß'];

  it('orders strings as their UTF-8 bytes compare', () => {
    for (const a of samples) {
      for (const b of samples) {
        const bytes = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
        expect(Math.sign(compareCodePoints(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(bytes);
      }
    }
  });
});

describe('the words of a text', () => {
  const ascii = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)).join('');

  it('takes the letters and digits of ASCII text, lower-cased, and nothing else', () => {
    expect(searchWords(ascii)).toEqual(['0123456789', 'abcdefghijklmnopqrstuvwxyz', 'abcdefghijklmnopqrstuvwxyz']);
  });

  it('finds exactly the words of the definition: NFKD, marks removed, lower case, runs of letters and digits', () => {
    const definition = (text: string) =>
      text
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '')
        .toLowerCase()
        .match(/[\p{L}\p{N}]+/gu) ?? [];
    // Letters, digits and separators of several scripts, marks alone and in sequences, ligatures,
    // Greek capital sigma (its lower case depends on what follows), dotted capital I, emoji and
    // letters beyond the BMP (surrogate pairs), CJK, and ASCII.
    const alphabet = [..."aZ9 .-'_éÉñ\u0301\u0308\u0345ﬁ①²ΣΑΟςİıßÆøŁ日本語한글😀🇫𠀀𐐀\u200d\u00a0\t٣ⅫＡ"];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 3000; n++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 24) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      expect(searchWords(text), JSON.stringify(text)).toEqual(definition(text));
    }
  });

  it('puts each word of a document once, in the order it first appears', () => {
    expect(searchDocument(ascii, null, '', ' -- ', 'Tom_Jones 2021 tom')).toBe('0123456789 abcdefghijklmnopqrstuvwxyz tom jones 2021');
    expect(searchDocument('Zoë and zoe', 'ZOE')).toBe('zoe and');
  });

  it('gives ASCII the same words with or without other characters beside it', () => {
    // One non-ASCII character sends the whole text through the Unicode steps.
    expect(searchWords(`${ascii}é`)).toEqual([...searchWords(ascii), 'e']);
    expect(searchWords(`é${ascii}`)).toEqual(['e', ...searchWords(ascii)]);
    expect(searchDocument('Déjà vu', 'ﬁre ①', 'İstanbul STRASSE')).toBe('deja vu fire 1 istanbul strasse');
  });
});

describe('seeded random order', () => {
  it('gives every id its own key under a seed, and another order under another seed', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => i * 7 + 1);
    const keys = (seed: number) => ids.map((id) => randomKey(id, seedMix(seed)));
    for (const seed of [0, 1, 42, -7, 2 ** 40 + 3]) expect(new Set(keys(seed)).size).toBe(ids.length);
    expect(keys(1)).toEqual(keys(1));
    expect(keys(1)).not.toEqual(keys(2));
    expect(keys(2 ** 40 + 3)).not.toEqual(keys(3));
  });

  it('orders exactly the requested range, as a full sort would, duplicates included', () => {
    let state = 12345;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) % 1000;
    for (const [length, start, end] of [
      [1, 0, 1],
      [10, 3, 7],
      [5000, 0, 50],
      [5000, 2500, 2550],
      [5000, 4990, 5000],
      [5000, 0, 5000],
    ] as const) {
      const values = Float64Array.from({ length }, next);
      const sorted = values.slice().sort();
      orderRange(values, start, end);
      expect(Array.from(values.subarray(start, end))).toEqual(Array.from(sorted.subarray(start, end)));
    }
  });
});

describeEachDialect('search index freshness', (dialect) => {
  it('a search sees what a sync through another connection wrote', async () => {
    const h = await startHarness({ dialect });
    try {
      await h.sync();
      const before = await searchMarkers(h.store, { text: 'quixotic' });
      expect(before.total).toBe(0);

      const marker = [...h.library.markers.values()][0]!;
      h.library.updateMarker(marker.id, { title: 'A quixotic moment' });
      const other = await h.database.open();
      try {
        await syncStash({ client: h.client, store: other });
      } finally {
        await other.close();
      }

      const after = await searchMarkers(h.store, { text: 'quixotic' });
      expect(after.hits.map((hit) => [hit.id, hit.title])).toEqual([[marker.id, 'A quixotic moment']]);
    } finally {
      await h.close();
    }
  });
});

describeEachDialect('search index after a sync in the process that searches', (dialect) => {
  let h: Harness;
  afterEach(() => h?.close());

  it('is built as the sync ends, from the mirror as that sync left it, so the next search does not build it', async () => {
    h = await startHarness({ dialect });
    await h.sync();
    const all = (await searchMarkers(h.store, { facetLimit: 0 })).total;
    const [first, second] = [...h.library.markers.values()];
    h.library.updateMarker(first!.id, { title: 'A quixotic moment' });
    await h.sync();

    // Written after the sync without moving the search state: an index built only now, by the
    // search, would leave the marker out; the one the sync's end built still has it.
    await writeAsSync(h.database, [`UPDATE stash_scene_markers SET is_stale = ${dialect === 'sqlite' ? 1 : 'true'} WHERE id = ${second!.id}`]);
    const after = await searchMarkers(h.store, { text: 'quixotic' });
    expect(after.hits.map((hit) => [hit.id, hit.title])).toEqual([[first!.id, 'A quixotic moment']]);
    expect((await searchMarkers(h.store, { facetLimit: 0 })).total).toBe(all);
  });

  it('is kept by a sync that changed nothing after one that ended whole, and built again after a run that stopped short', async () => {
    h = await startHarness({ dialect });
    // Two syncs hours apart, then hours more: the third finds nothing to fetch or write.
    await h.sync();
    h.library.clock.advance(6 * 3600);
    await h.sync();
    h.library.clock.advance(6 * 3600);
    // Without words the results come in marker id order: the first is the lowest id.
    const marker = h.library.markers.get(Math.min(...h.library.markers.keys()))!;
    const titleOf = async () => {
      const [hit] = (await searchMarkers(h.store, { perPage: 1, facetLimit: 0 })).hits;
      expect(hit?.id).toBe(marker.id);
      return hit?.title;
    };
    expect(await titleOf()).toBe(marker.title);
    // A title only an index built anew would show (a listing compares stamps, not titles).
    await writeAsSync(h.database, [`UPDATE stash_scene_markers SET title = 'Written behind the sync' WHERE id = ${marker.id}`]);

    const quiet = await h.sync();
    expect(quiet.entities.map((e) => e.upserted + e.staleMarked)).toEqual(quiet.entities.map(() => 0));
    expect(await titleOf()).toBe(marker.title);

    // A run left running (its process killed) may have written pages no refresh followed.
    await writeAsSync(h.database, [
      `INSERT INTO stash_sync_runs (run_id, entity, mode, status, started_at)
         SELECT 'killed', entity, mode, 'running', started_at FROM stash_sync_runs WHERE id = (SELECT max(id) FROM stash_sync_runs)`,
    ]);
    await h.sync();
    expect(await titleOf()).toBe('Written behind the sync');
  });

  it('is not built by a store that has not searched', async () => {
    h = await startHarness({ dialect });
    await h.sync();
    const all = Number(await h.value('SELECT count(*) FROM stash_scene_markers WHERE NOT is_stale'));
    const marker = [...h.library.markers.values()][0]!;
    await writeAsSync(h.database, [`UPDATE stash_scene_markers SET is_stale = ${dialect === 'sqlite' ? 1 : 'true'} WHERE id = ${marker.id}`]);
    expect((await searchMarkers(h.store, { facetLimit: 0 })).total).toBe(all - 1);
  });
});

describe('search index rebuild', () => {
  it('a mirror whose rows lack their words gets the whole index built by the next sync', async () => {
    // As a mirror synced before the full-text index existed: rows, but no words and no index state.
    const h = await startHarness({ dialect: 'sqlite' });
    try {
      // A new mirror gets its words page by page: nothing is left to build at the end.
      expect((await h.sync()).searchIndexed).toBe(0);
      const title = [...h.library.markers.values()][0]!.title;
      const word = title.split(/\s+/)[0]!;
      const before = (await searchMarkers(h.store, { text: word, perPage: 500 })).total;
      expect(before).toBeGreaterThan(0);

      await writeAsSync(h.database, [
        `INSERT INTO stash_text_search (stash_text_search) VALUES ('delete-all')`,
        `DELETE FROM stash_mirror_state WHERE name = 'text-search'`,
      ]);

      const summary = await h.sync();
      expect(summary.searchIndexed).toBe(
        Number(await h.value('SELECT count(*) FROM stash_scene_markers')) +
          Number(await h.value('SELECT count(*) FROM stash_scenes')) +
          Number(await h.value('SELECT count(*) FROM stash_tags')) +
          Number(await h.value('SELECT count(*) FROM stash_performers')),
      );
      expect((await searchMarkers(h.store, { text: word, perPage: 500 })).total).toBe(before);

      // Pages keep the index current from then on: the next sync rebuilds nothing.
      expect((await h.sync()).searchIndexed).toBe(0);
    } finally {
      await h.close();
    }
  });
});

describe('search index repair (SQLite: a virtual table carries no read-only trigger)', () => {
  /** Works on the mirror file through a connection of its own, as any other program could. */
  function byHand(database: MirrorDatabase, work: (raw: Database.Database) => void): void {
    const raw = new Database(database.cliArgs[1]);
    try {
      work(raw);
    } finally {
      raw.close();
    }
  }

  /** A word of the first marker's title, and how many markers a search for it finds in the intact mirror. */
  async function probe(h: Harness): Promise<{ word: string; found: () => Promise<number>; before: number }> {
    const word = [...h.library.markers.values()][0]!.title.split(/\s+/)[0]!;
    const found = async () => (await searchMarkers(h.store, { text: word, perPage: 500 })).total;
    const before = await found();
    expect(before).toBeGreaterThan(0);
    return { word, found, before };
  }

  const damages: [string, (raw: Database.Database) => void][] = [
    ['emptied', (raw) => raw.prepare(`DELETE FROM stash_text_search`).run()],
    // The markers' rows only (kind 0): the index then holds fewer rows than the mirror.
    ['missing some rows', (raw) => raw.prepare(`DELETE FROM stash_text_search WHERE rowid IN (SELECT id * 4 FROM stash_scene_markers)`).run()],
    [
      'failing its integrity check, with every row counted',
      (raw) => {
        raw.unsafeMode(true);
        raw.prepare(`DELETE FROM stash_text_search_data WHERE id = (SELECT max(id) FROM stash_text_search_data)`).run();
        raw.unsafeMode(false);
      },
    ],
  ];

  for (const [what, damage] of damages) {
    it(`an index ${what} is built again by the next incremental sync`, async () => {
      const h = await startHarness({ dialect: 'sqlite' });
      try {
        await h.sync();
        const { found, before } = await probe(h);
        byHand(h.database, damage);
        const summary = await h.sync();
        expect(await found()).toBe(before);
        const mirrored = ['stash_scene_markers', 'stash_scenes', 'stash_tags', 'stash_performers'].map((t) => `(SELECT count(*) FROM ${t})`);
        expect(summary.searchIndexed).toBe(Number(await h.value(`SELECT ${mirrored.join(' + ')}`)));
        expect(Number(await h.value(`SELECT count(*) FROM stash_text_search`))).toBe(summary.searchIndexed);
        byHand(h.database, (raw) => raw.prepare(`INSERT INTO stash_text_search (stash_text_search) VALUES ('integrity-check')`).run());
        // Intact again: the next sync builds nothing.
        expect((await h.sync()).searchIndexed).toBe(0);
      } finally {
        await h.close();
      }
    });
  }

  it('a sync Stash refuses repairs nothing: the mirror stays as it was until a sync gets an answer', async () => {
    const h = await startHarness({ dialect: 'sqlite' });
    try {
      await h.sync();
      const schema = () => h.read(`SELECT name, sql FROM sqlite_master ORDER BY name`);
      const migrated = await schema();
      byHand(h.database, (raw) => raw.exec(`DROP TRIGGER stash_scenes_readonly_delete`));
      const damaged = await schema();
      h.fake.faults.inject('html', { operationName: 'ServerIdentity' });
      await expect(h.sync()).rejects.toThrow(/not a Stash server/);
      expect(await schema()).toEqual(damaged);
      await h.sync();
      expect(await schema()).toEqual(migrated);
    } finally {
      await h.close();
    }
  });

  it('a read-only trigger dropped or emptied by hand is put back by the next incremental sync', async () => {
    const h = await startHarness({ dialect: 'sqlite' });
    try {
      await h.sync();
      const triggers = () => h.read(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`);
      const migrated = await triggers();
      byHand(h.database, (raw) => {
        raw.exec(`DROP TRIGGER stash_scenes_readonly_delete`);
        // Same name, guarding nothing.
        raw.exec(
          `DROP TRIGGER stash_tags_readonly_update; CREATE TRIGGER stash_tags_readonly_update BEFORE UPDATE ON stash_tags BEGIN SELECT 1; END`,
        );
      });
      expect(await triggers()).not.toEqual(migrated);
      await h.sync();
      expect(await triggers()).toEqual(migrated);
      byHand(h.database, (raw) => {
        expect(() => raw.prepare('DELETE FROM stash_scenes').run()).toThrow(/stash_scenes is read-only/);
        expect(() => raw.prepare('UPDATE stash_tags SET name = name').run()).toThrow(/stash_tags is read-only/);
      });
    } finally {
      await h.close();
    }
  });
});

describeEachDialect('tag closure', (dialect) => {
  it('stops at a stale tag, even one the mirror still lists edges for', async () => {
    const library = new FakeLibrary(createClock());
    const top = library.createTag({ name: 'Top' });
    const middle = library.createTag({ name: 'Middle', parentIds: [top.id] });
    const bottom = library.createTag({ name: 'Bottom', parentIds: [middle.id] });
    const scene = library.createScene({ title: 'Scene' });
    const marker = library.createMarker({ sceneId: scene.id, primaryTagId: bottom.id, title: 'Marker' });
    const h = await startHarness({ dialect, library });
    try {
      await h.sync();
      const below = async (id: number) =>
        (await searchMarkers(h.store, { markerTags: { any: [{ id, withSubtags: true }] } })).hits.map((hit) => hit.id);
      expect(await below(top.id)).toEqual([marker.id]);

      // As a sync stopped after marking Middle stale, before re-reading its neighbours, whose edges
      // through it Stash has dropped; then the closure is rebuilt.
      await writeAsSync(h.database, [`UPDATE stash_tags SET is_stale = ${dialect === 'sqlite' ? 1 : 'true'} WHERE id = ${middle.id}`]);
      await h.store.refreshSearchIndex();
      expect(await h.read('SELECT parent_id, child_id FROM stash_tag_parents ORDER BY child_id')).toEqual([
        { parent_id: top.id, child_id: middle.id },
        { parent_id: middle.id, child_id: bottom.id },
      ]);
      expect(await below(top.id)).toEqual([]);
      expect(await below(middle.id)).toEqual([]);
      expect(await below(bottom.id)).toEqual([marker.id]);
    } finally {
      await h.close();
    }
  });
});
