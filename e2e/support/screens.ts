import type { Page } from '@playwright/test';

export const SCREENSHOT_DIR = 'test-results/e2e/screenshots';

/** Saves the whole page as test-results/e2e/screenshots/<name>.png, for review. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true });
}
