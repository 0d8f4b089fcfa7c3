/** Steps through the interface that more than one spec takes: pointing the app at a Stash server and syncing it. */
import { expect, type Page } from '@playwright/test';
import { HTTP_ROUTES } from '../../src/shared/contract';

export function mainNav(page: Page, name: 'Search' | 'Sync' | 'Settings') {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

/** Saves the Stash address and API key in Settings. */
export async function connectStash(page: Page, origin: string, apiKey: string): Promise<void> {
  await mainNav(page, 'Settings').click();
  await page.getByLabel('Stash URL').fill(origin);
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
}

/** Sync now on the Sync page, waiting for the sync to succeed (the call answers when it has ended). */
export async function syncNow(page: Page): Promise<void> {
  await mainNav(page, 'Sync').click();
  const button = page.getByRole('button', { name: 'Sync now' });
  // A scheduled sync may be running already.
  await expect(button).toBeEnabled({ timeout: 30_000 });
  const ended = page.waitForResponse((response) => response.url().endsWith(HTTP_ROUTES.rpc('syncNow')), { timeout: 60_000 });
  await button.click();
  expect(await (await ended).json()).toMatchObject({ ok: true });
}
