/** Where the end-to-end tests find the headless host that playwright.config.ts starts. */
/** E2E_HOST_PORT lets two checkouts run their browser tests side by side. */
export const HOST_PORT = Number(process.env.E2E_HOST_PORT ?? 4173);
export const HOST_URL = `http://127.0.0.1:${HOST_PORT}`;
/** The host requires it, so the tests also cover the browser client's token handling. */
export const HOST_TOKEN = 'e2e-host-token';
/** A fresh mirror for every run: start-host.ts empties it first. */
export const HOST_DATA_DIR = 'test-results/e2e-host';
export const VIEWPORT = { width: 1360, height: 820 };
