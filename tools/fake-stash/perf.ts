/**
 * Measures the fake server itself, so a sync benchmark can tell its own cost from the server's:
 *   npx tsx tools/fake-stash/perf.ts [--gzip] [--size bench|sample|P,T,S,M]
 */
import { parseArgs } from 'node:util';
import { MARKER_LISTING, MARKER_ROWS, SCENE_LISTING, SCENE_ROWS } from '../../src/core/stash/documents';
import { BENCH_SIZE, generateLibrary, type LibrarySize, SAMPLE_SIZE } from './generate';
import { startFakeStash } from './server';

const { values } = parseArgs({
  options: { gzip: { type: 'boolean', default: false }, size: { type: 'string', default: 'bench' } },
});
const size: LibrarySize =
  values.size === 'bench'
    ? BENCH_SIZE
    : values.size === 'sample'
      ? SAMPLE_SIZE
      : (() => {
          const [performers = 0, tags = 0, scenes = 0, markers = 0] = values.size.split(',').map(Number);
          return { performers, tags, scenes, markers };
        })();

let t = performance.now();
const library = generateLibrary({ seed: 1, size });
console.log(`generate ${JSON.stringify(size)}: ${(performance.now() - t).toFixed(0)} ms`);

const stash = await startFakeStash({ library, gzip: values.gzip });

async function fetchAll(query: string, root: string, list: string, perPage: number, sort: string): Promise<number> {
  let rows = 0;
  for (let page = 1; ; page++) {
    const res = await fetch(stash.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query, variables: { filter: { page, per_page: perPage, sort, direction: 'ASC' } } }),
    });
    const body = (await res.json()) as { data: Record<string, Record<string, unknown[]>> };
    const got = body.data[root]?.[list]?.length ?? 0;
    rows += got;
    if (got < perPage) return rows;
  }
}

async function measure(label: string, run: () => Promise<number>): Promise<void> {
  t = performance.now();
  const rows = await run();
  console.log(`${label}: ${rows} rows in ${(performance.now() - t).toFixed(0)} ms`);
}

const markers = () => fetchAll(MARKER_LISTING, 'findSceneMarkers', 'scene_markers', 5000, 'id');
await measure('marker listing, pages of 5000 (cold: builds the sort cache)', markers);
await measure('marker listing, pages of 5000 (warm)', markers);
await measure('marker listing by updated_at, pages of 5000', () => fetchAll(MARKER_LISTING, 'findSceneMarkers', 'scene_markers', 5000, 'updated_at'));
await measure('scene listing, pages of 5000', () => fetchAll(SCENE_LISTING, 'findScenes', 'scenes', 5000, 'id'));
await measure('full marker rows, pages of 2000', () => fetchAll(MARKER_ROWS, 'findSceneMarkers', 'scene_markers', 2000, 'id'));
await measure('full scene rows, pages of 1000', () => fetchAll(SCENE_ROWS, 'findScenes', 'scenes', 1000, 'id'));
library.updateScene([...library.scenes.keys()][0] as number, { title: 'touched' });
await measure('marker listing by updated_at after one write (re-sort)', () =>
  fetchAll(MARKER_LISTING, 'findSceneMarkers', 'scene_markers', 5000, 'updated_at'),
);
await stash.close();
