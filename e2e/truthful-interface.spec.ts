/**
 * The interface tells the truth: a test result, an error or a "Succeeded" is shown only while it
 * is still about the server, key and database the app is set to. One serial flow on one page,
 * against small fake Stash libraries, through a host of its own: the flow starts where no Stash is
 * set, which the shared host has left behind once the other specs have run.
 */
import { expect, test, type Page } from '@playwright/test';
import { createClock } from '../tools/fake-stash/clock';
import { generateLibrary } from '../tools/fake-stash/generate';
import { startFakeStash, type FakeStash } from '../tools/fake-stash/server';
import { connectStash, mainNav, syncNow } from './support/app-steps';
import { STASH_API_KEY, slowDown } from './support/fake-stash';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpHost, type HttpHost } from '../src/server/http-host';
import { HOST_TOKEN, VIEWPORT } from './support/env';
import { screenshot } from './support/screens';

test.describe.configure({ mode: 'serial' });

let page: Page;
let stash: FakeStash;
let otherStash: FakeStash;
let host: HttpHost;
let dataDir: string;

const startSmallStash = (seed: number) =>
  startFakeStash({
    library: generateLibrary({ seed, size: { performers: 30, tags: 20, scenes: 100, markers: 400 }, clock: createClock({ mode: 'real' }) }),
    apiKey: STASH_API_KEY,
  });

test.beforeAll(async ({ browser }) => {
  [stash, otherStash] = await Promise.all([startSmallStash(1), startSmallStash(2)]);
  dataDir = mkdtempSync(join(tmpdir(), 'truthful-host-'));
  host = await startHttpHost({ dataDir, port: 0, token: HOST_TOKEN, log: () => {} });
  page = await browser.newPage({ baseURL: host.url, viewport: VIEWPORT });
  await page.goto(`/?token=${HOST_TOKEN}`);
});

test.afterAll(async () => {
  await page?.close();
  await Promise.all([stash?.close(), otherStash?.close(), host?.close()]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const syncPill = () => page.getByRole('link', { name: /^Sync status: / });
const lastSyncFailed = () => page.getByRole('alert').filter({ hasText: 'The last sync failed.' });

async function saveSettings(): Promise<void> {
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
}

/** Saves a key the Stash refuses and syncs: the sync fails before it starts. */
async function useWrongKeyAndSync(): Promise<void> {
  await mainNav(page, 'Settings').click();
  await page.getByLabel('API key').fill('a-wrong-key');
  await saveSettings();
  await mainNav(page, 'Sync').click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(lastSyncFailed()).toContainText('refused the API key', { timeout: 20_000 });
}

/** A sync fails for a wrong key; then, with the right key back, a slow full sync starts. */
async function startSlowSyncAfterAFailure(delayMs: number): Promise<void> {
  await connectStash(page, otherStash.origin, STASH_API_KEY);
  await useWrongKeyAndSync();
  await mainNav(page, 'Settings').click();
  await page.getByLabel('API key').fill(STASH_API_KEY);
  await saveSettings();
  slowDown(otherStash, delayMs);
  await mainNav(page, 'Sync').click();
  await page.getByLabel('Full sync (re-read everything)').check();
  await page.getByRole('button', { name: 'Sync now' }).click();
}

test('a Sync now refused for want of a server is not shown once a server is set', async () => {
  await mainNav(page, 'Sync').click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  const refused = page.getByRole('alert').filter({ hasText: 'No Stash server is set' });
  await expect(refused).toBeVisible();
  await connectStash(page, stash.origin, STASH_API_KEY);
  await mainNav(page, 'Sync').click();
  await expect(page.getByRole('button', { name: 'Sync now' })).toBeEnabled();
  await expect(refused).toHaveCount(0);
});

test('a Test connection result disappears once the address or the key is edited', async () => {
  await mainNav(page, 'Settings').click();
  const result = page.locator('.connection-test [role="status"]');
  const testConnection = () => page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByLabel('Stash URL').fill(stash.origin);
  await page.getByLabel('API key').fill(STASH_API_KEY);
  await testConnection();
  await expect(result).toHaveText(/^Connected: Stash v\d/);

  await page.getByLabel('Stash URL').fill(otherStash.origin);
  await expect(result).toHaveText('');
  await testConnection();
  await expect(result).toHaveText(/^Connected: Stash v\d/);

  await page.getByLabel('API key').fill('another-key');
  await expect(result).toHaveText('');
  await screenshot(page, 'truth-test-result-cleared');
});

test('search form: Clear puts the all/any/none pickers back, "none" fits, an impossible date says so', async () => {
  await connectStash(page, stash.origin, STASH_API_KEY);
  await syncNow(page);
  await mainNav(page, 'Search').click();

  const pickers = ['Marker tag match', 'Performer match', 'Scene tag match'].map((name) => page.getByLabel(name, { exact: true }));
  for (const picker of pickers) {
    await expect(picker).toHaveValue('all');
    await picker.selectOption('none');
  }
  // The closed select is wide enough for its widest word, its padding and its arrow.
  const fits = await pickers[1]!.evaluate((select: HTMLSelectElement) => {
    const probe = document.createElement('span');
    probe.textContent = 'none';
    probe.style.font = getComputedStyle(select).font;
    probe.style.position = 'absolute';
    document.body.append(probe);
    // 8px padding each side, about 20px for the arrow.
    const needed = probe.getBoundingClientRect().width + 16 + 20;
    probe.remove();
    return { needed, has: select.getBoundingClientRect().width };
  });
  expect(fits.has, `select width for "none" (needs ${fits.needed}px)`).toBeGreaterThanOrEqual(fits.needed);

  const dateTo = page.getByLabel('Date to', { exact: true });
  await dateTo.fill('2021-02-30');
  await expect(dateTo).toHaveAccessibleDescription('No such date');
  await screenshot(page, 'truth-search-none-and-no-such-date');

  await page.getByRole('button', { name: /^Clear/ }).click();
  for (const picker of pickers) await expect(picker).toHaveValue('all');
  await expect(dateTo).toHaveValue('');
  // Still usable from the keyboard: the picker takes arrow keys after Clear.
  await pickers[0]!.focus();
  await page.keyboard.press('ArrowDown');
  await expect(pickers[0]!).not.toHaveValue('all');
});

test("after the Stash URL changed, the old server's error is not shown as current", async () => {
  await connectStash(page, stash.origin, STASH_API_KEY);
  await useWrongKeyAndSync();
  await mainNav(page, 'Settings').click();
  await page.getByLabel('Stash URL').fill(otherStash.origin);
  await page.getByLabel('API key').fill(STASH_API_KEY);
  await saveSettings();
  await mainNav(page, 'Sync').click();
  await expect(lastSyncFailed()).toHaveCount(0);
  await expect(syncPill()).not.toHaveAccessibleName('Sync status: Last sync failed');
  await screenshot(page, 'truth-url-changed');
});

test('after Cancel, an earlier failure is not shown as what the sync came to', async () => {
  await startSlowSyncAfterAFailure(300);
  // Cancelled once it has answered some pages, so History has the cancelled run.
  await expect(page.getByText(/^[1-9][\d,]* \/ [\d,]+$/).first()).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Sync cancelled' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('table', { name: 'Sync history' }).getByText('Cancelled').first()).toBeVisible();
  await expect(lastSyncFailed()).toHaveCount(0);
  await expect(syncPill()).not.toHaveAccessibleName('Sync status: Last sync failed');
  otherStash.faults.clear();
  await screenshot(page, 'truth-after-cancel');
});

test('a sync cancelled before its first page does not bring back the earlier failure', async () => {
  await startSlowSyncAfterAFailure(1500);
  // Cancelled while Stash is still being asked who it is: no entity has started, no run is written.
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Sync cancelled' })).toBeVisible({ timeout: 15_000 });
  await expect(lastSyncFailed()).toHaveCount(0);
  await expect(syncPill()).not.toHaveAccessibleName('Sync status: Last sync failed');
  otherStash.faults.clear();
  await screenshot(page, 'truth-after-early-cancel');
});

test('a sync refused for a wrong key is in History with its reason, and Entities does not say Succeeded', async () => {
  // Each entity has succeeded once: a refused sync must not leave that as its last run.
  await connectStash(page, stash.origin, STASH_API_KEY);
  await syncNow(page);
  await expect(page.getByRole('table', { name: 'Entities' }).getByText('Succeeded')).toHaveCount(5);
  await useWrongKeyAndSync();

  const history = page.getByRole('table', { name: 'Sync history' });
  const failedRuns = history.getByRole('row').filter({ hasText: 'Failed' });
  await expect(failedRuns.first()).toContainText('refused the API key');
  const entities = page.getByRole('table', { name: 'Entities' });
  await expect(entities.getByText('Succeeded')).toHaveCount(0);
  await expect(entities.getByText('Failed')).toHaveCount(5);
  await screenshot(page, 'truth-wrong-key-history');
});

test('a backend the service refuses to save shows the reason by its field, not "Saved"', async () => {
  // The service's answer as it refuses a database it cannot open, so the page is tested alone.
  const reason = 'Cannot open the PostgreSQL database: password authentication failed for user "postgres"';
  await page.route('**/api/rpc/updateSettings', (route) =>
    route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: reason }) }),
  );
  await mainNav(page, 'Settings').click();
  await page.getByLabel('PostgreSQL').check();
  const url = page.getByLabel('PostgreSQL URL');
  await url.fill('postgres://postgres:wrong@127.0.0.1:5432/postgres');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('.form-field', { has: url }).locator('.field-error')).toHaveText(reason);
  await expect(url).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert').filter({ hasText: 'Not saved: see the field marked in red.' })).toBeVisible();
  await expect(page.getByText('Settings saved.')).toHaveCount(0);
  await page.unroute('**/api/rpc/updateSettings');
  await page.getByLabel('Embedded SQLite').check();
});

test('a PostgreSQL URL with a wrong password is refused on save, with the reason by the field', async () => {
  await mainNav(page, 'Settings').click();
  await page.getByLabel('PostgreSQL').check();
  const url = page.getByLabel('PostgreSQL URL');
  await url.fill('postgres://postgres:wrong@127.0.0.1:5432/postgres');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Not saved: see the field marked in red.')).toBeVisible({ timeout: 20_000 });
  await expect(url).toHaveAttribute('aria-invalid', 'true');
  // The field's own message, not its hint (which spells out "password" too).
  await expect(page.locator('.form-field', { has: url }).locator('.field-error')).toContainText(/password|authentication/i);
  await expect(page.getByText('Settings saved.')).toHaveCount(0);
  await screenshot(page, 'truth-postgres-wrong-password');
});
