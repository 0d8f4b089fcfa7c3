import { defineConfig } from '@playwright/test';
import { HOST_URL, VIEWPORT } from './e2e/support/env';

// Debian's Chromium: Playwright cannot download its own browsers on every machine we test on.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  reporter: [['list']],
  // One headless host serves every spec: they must not race each other on its mirror.
  workers: 1,
  timeout: 60_000,
  use: {
    baseURL: HOST_URL,
    actionTimeout: 10_000,
    viewport: VIEWPORT,
    launchOptions: {
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    // The headless host serving the renderer exactly as electron-vite built it (npm run build),
    // on a fresh data directory. The fake Stash servers are started by the specs that need them.
    command: 'npx tsx e2e/support/start-host.ts',
    url: `${HOST_URL}/`,
    reuseExistingServer: false,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5000 },
  },
});
