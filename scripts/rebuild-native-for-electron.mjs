// npm run rebuild:electron: better-sqlite3 compiled for Electron's ABI, written to
// build/native/electron/better_sqlite3.node, which electron-builder ships as an extra resource
// and the app passes to better-sqlite3's `nativeBinding` option.
//
// It builds a copy of the package, never node_modules' own: the CLI, the tests and the benchmark
// keep running on Node's build. Needs network access (Electron's headers, or a prebuilt binary);
// run it on each target operating system and architecture before `npm run dist`.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const OUTPUT = join(ROOT, 'build/native/electron/better_sqlite3.node');
const WORK = join(ROOT, 'build/native/work');
const HEADERS_URL = 'https://electronjs.org/headers';

function fail(message) {
  console.error(`rebuild:electron: ${message}`);
  process.exit(1);
}

const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const packageDir = dirname(require.resolve('better-sqlite3/package.json'));
const arch = process.env.npm_config_arch || process.arch;

// One quick request first, so offline the script says so in one line instead of a build log.
const headers = `${HEADERS_URL}/v${electronVersion}/node-v${electronVersion}-headers.tar.gz`;
try {
  const response = await fetch(headers, { method: 'HEAD', signal: AbortSignal.timeout(15_000) });
  if (!response.ok) fail(`Electron ${electronVersion}'s headers are not available (${response.status} from ${headers}).`);
} catch (error) {
  fail(
    `needs network access to download Electron ${electronVersion}'s headers (${error.cause?.code ?? error.message}); run it online before npm run dist.`,
  );
}

// A throwaway project holding a copy of better-sqlite3 without its Node build.
rmSync(WORK, { recursive: true, force: true });
const copy = join(WORK, 'node_modules/better-sqlite3');
cpSync(packageDir, copy, { recursive: true, filter: (path) => !path.startsWith(join(packageDir, 'build')) });
writeFileSync(join(WORK, 'package.json'), JSON.stringify({ name: 'electron-native-build', private: true, dependencies: { 'better-sqlite3': '*' } }));

try {
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: WORK, electronVersion, arch, onlyModules: ['better-sqlite3'], force: true, headerURL: HEADERS_URL });
  const built = join(copy, 'build/Release/better_sqlite3.node');
  if (!existsSync(built)) throw new Error(`the build finished without producing ${built}`);
  mkdirSync(dirname(OUTPUT), { recursive: true });
  cpSync(built, OUTPUT);
  console.log(`rebuild:electron: better-sqlite3 for Electron ${electronVersion} (${process.platform}-${arch}) written to ${OUTPUT}`);
} catch (error) {
  fail(`building better-sqlite3 for Electron ${electronVersion} failed: ${String(error.message ?? error).split('\n')[0]}`);
} finally {
  rmSync(WORK, { recursive: true, force: true });
}
