/**
 * The search's in-memory index: the orders it computes without SQL agree with the databases', and
 * it follows syncs made through another connection (another process, in the app).
 */
import { describe, expect, it } from 'vitest';
import { randomKey, seedFactor } from '../src/core/search/marker-index';
import { searchMarkers } from '../src/core/search/search';
import { compareCodePoints } from '../src/core/search/text';
import { syncStash } from '../src/core/sync/engine';
import { describeEachDialect, startHarness } from './support/harness';

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

describe('seeded random order', () => {
  it('computes its keys exactly, with no rounding of large products', () => {
    for (const seed of [0, 1, 42, -7, 2 ** 31 - 1]) {
      const factor = seedFactor(seed);
      for (const id of [1, 2, 999, 123_456, 2 ** 31 - 1]) {
        const exact = (((BigInt(id) * 2654435761n) % 4294967311n) * BigInt(factor)) % 4294967291n;
        expect(randomKey(id, factor)).toBe(Number(exact));
      }
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
