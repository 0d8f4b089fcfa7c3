/**
 * Serves a generated library on 127.0.0.1 so the app can be tried without a Stash server:
 *   npx tsx tools/fake-stash/cli.ts [--port 9999] [--seed 1] [--size sample|bench|P,T,S,M]
 *     [--api-key KEY] [--offset +01:00] [--clock real|virtual] [--tie-order shuffle|stable] [--latency-ms N] [--json]
 */
import { parseArgs } from 'node:util';
import { createClock } from './clock';
import { BENCH_SIZE, generateLibrary, type LibrarySize, SAMPLE_SIZE } from './generate';
import { startFakeStash } from './server';

function parseSize(s: string): LibrarySize {
  if (s === 'sample') return SAMPLE_SIZE;
  if (s === 'bench') return BENCH_SIZE;
  const parts = s.split(',').map((x) => Number(x.trim()));
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new Error(`--size must be sample, bench or P,T,S,M (four counts), got ${s}`);
  }
  const [performers, tags, scenes, markers] = parts as [number, number, number, number];
  return { performers, tags, scenes, markers };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9999' },
      seed: { type: 'string', default: '1' },
      size: { type: 'string', default: 'sample' },
      'api-key': { type: 'string' },
      offset: { type: 'string', default: '+01:00' },
      clock: { type: 'string', default: 'virtual' },
      'tie-order': { type: 'string', default: 'shuffle' },
      'latency-ms': { type: 'string', default: '0' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      'usage: tsx tools/fake-stash/cli.ts [--port 9999] [--seed 1] [--size sample|bench|P,T,S,M]\n' +
        '         [--api-key KEY] [--offset +01:00|Z] [--clock real|virtual] [--tie-order shuffle|stable] [--latency-ms N] [--json]',
    );
    return;
  }
  const port = Number(values.port);
  const seed = Number(values.seed);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
  if (!Number.isInteger(seed)) throw new Error(`invalid --seed ${values.seed}`);
  if (values.clock !== 'real' && values.clock !== 'virtual') throw new Error('--clock must be real or virtual');
  const tieOrder = values['tie-order'];
  if (tieOrder !== 'shuffle' && tieOrder !== 'stable') throw new Error('--tie-order must be shuffle or stable');

  // A real clock starts now, so the generated history ends just before the moment the server starts.
  const clock = createClock({ offset: values.offset, mode: values.clock });
  const library = generateLibrary({ seed, size: parseSize(values.size), clock });
  const latencyMs = Number(values['latency-ms']);
  if (!Number.isInteger(latencyMs) || latencyMs < 0) throw new Error(`invalid --latency-ms ${values['latency-ms']}`);
  const stash = await startFakeStash({ library, port, seed, tieOrder, apiKey: values['api-key'], latencyMs });

  if (values.json) console.log(JSON.stringify({ url: stash.url }));
  else {
    const n = library;
    console.log(
      `Fake Stash serving ${n.performers.size} performers, ${n.tags.size} tags, ${n.scenes.size} scenes, ` +
        `${n.markers.size} markers at ${stash.url}`,
    );
  }
  const stop = () => {
    void stash.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`fake-stash: ${(e as Error).message}`);
  process.exit(1);
});
