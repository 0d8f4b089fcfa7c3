/**
 * The built renderer in a real Chromium with the Electron preload's bridge stood in for: it loads
 * under its Content-Security-Policy with no errors, and talks to the bridge rather than HTTP.
 */
import { expect, test } from '@playwright/test';
import { installFakeBridge } from './support/fake-bridge';
import { screenshot } from './support/screens';

test('the built window uses the preload bridge under its strict Content-Security-Policy', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    // The fake bridge's screenshots point nowhere, and a browser asks for /favicon.ico on its own.
    if (message.type() === 'error' && !/favicon\.ico|stash\.invalid|ERR_NAME_NOT_RESOLVED/.test(`${message.location().url} ${message.text()}`)) {
      problems.push(message.text());
    }
  });
  page.on('pageerror', (error) => problems.push(error.message));
  const rpcCalls: string[] = [];
  page.on('request', (request) => request.url().includes('/api/') && rpcCalls.push(request.url()));
  await page.addInitScript(installFakeBridge);
  await page.goto('/');

  await expect(page.getByRole('link', { name: 'Search' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByText('2,500 markers')).toBeVisible();
  await page
    .getByRole('option', { name: /Marker 1\b/ })
    .first()
    .click();
  // A click plays the marker in the app; the player hands the scene to Stash through the bridge.
  await page.getByRole('dialog').getByRole('button', { name: 'Open in Stash' }).click();
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { openedExternally: string[] }).openedExternally))
    .toEqual(['http://stash.invalid/scenes/1000?t=30']);
  expect(rpcCalls).toEqual([]);

  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self'");
  // An inline script is refused by that policy.
  const ranInline = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inline = true';
    document.body.append(script);
    return (window as unknown as { __inline?: boolean }).__inline === true;
  });
  expect(ranInline).toBe(false);
  await screenshot(page, 'bridge-search');
  expect(problems.filter((p) => !/Content Security Policy/.test(p))).toEqual([]);
});
