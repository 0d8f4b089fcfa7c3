import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      // better-sqlite3 is a native addon and can never be bundled; listing it
      // keeps it external even if it moves out of "dependencies".
      externalizeDeps: { include: ['better-sqlite3'] },
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          // The utility process running the mirror service (utilityProcess.fork).
          'mirror-process': resolve(import.meta.dirname, 'src/main/mirror-process.ts'),
          // The SQLite connection's worker thread, which worker-store.ts starts from
          // ./sqlite-worker.js beside itself.
          'sqlite-worker': resolve(import.meta.dirname, 'src/core/db/sqlite-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // Dependencies stay external here too, but a sandboxed preload can only
      // require 'electron' and a few built-ins: anything else it imports must
      // be bundled (list it in externalizeDeps.exclude).
      rolldownOptions: {
        // Sandboxed preloads cannot be ES modules, and "type": "module" in
        // package.json would make a .js file one, hence CommonJS as .cjs.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    plugins: [react()],
  },
});
