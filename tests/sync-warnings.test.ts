/**
 * What the engine leaves for the next sync is said, not dropped: in the summary, in the log, and to
 * the caller as it happens.
 */
import { afterEach, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../src/core/log';
import { DELETIONS_LEFT, growPerformersWhileListed } from '../tools/fake-stash';
import { describeEachDialect, startHarness, type Harness } from './support/harness';

let h: Harness;
afterEach(async () => h?.close());

describeEachDialect('sync warnings', (dialect) => {
  it('a listing left for the next sync is in the summary, in the log and heard as it happens', async () => {
    h = await startHarness({ dialect });
    await h.sync();
    const records: LogRecord[] = [];
    const heard: string[] = [];
    const restless = growPerformersWhileListed(h.fake);
    const summary = await h.sync({ logger: createLogger((r) => records.push(r)), onWarning: (w) => heard.push(w) });
    restless.calm();
    expect(summary.entities[0]).toMatchObject({ entity: 'performers', deletionsChecked: false });
    expect(summary.warnings).toEqual([DELETIONS_LEFT]);
    expect(heard).toEqual([DELETIONS_LEFT]);
    expect(records.filter((r) => r.level === 'warn')).toEqual([
      expect.objectContaining({ module: 'sync', message: DELETIONS_LEFT, fields: { entity: 'performers' } }),
    ]);
    // Calm again, the next sync leaves nothing behind.
    expect((await h.sync()).warnings).toEqual([]);
  });

  it('rows that left Stash before their fetch by id are named in a warning', async () => {
    h = await startHarness({ dialect });
    await h.sync();
    // Deleting a performer does not bump its scenes: the sync re-fetches them by id.
    const scenesOf = (performer: number) => [...h.library.scenes.values()].filter((s) => s.performerIds.includes(performer)).map((s) => s.id);
    const performer = [...h.library.performers.keys()].find((p) => scenesOf(p).length >= 2)!;
    const doomed = scenesOf(performer)[0]!;
    h.library.deletePerformer(performer);
    let byId = 0;
    h.fake.beforeExecute = ({ operationName, variables }) => {
      if (operationName === 'SceneRows' && Array.isArray(variables.ids) && ++byId === 1) h.library.deleteScene(doomed);
    };
    const summary = await h.sync();
    h.fake.beforeExecute = null;
    expect(summary.warnings).toEqual(['scenes: 1 of the rows fetched by id had left Stash; a later listing marks them stale']);
  });
});
