/**
 * The built renderer in a real Chromium: it loads under its Content-Security-Policy with no errors.
 * The preload's bridge is stood in for, as it will be for the headless host.
 */
import { expect, test } from '@playwright/test';

test('the built window shows the app under its strict Content-Security-Policy', async ({ page }, testInfo) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    // A browser asks for /favicon.ico on its own; Electron does not.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.addInitScript(() => {
    (window as unknown as { stashMirror: { version: string } }).stashMirror = { version: 'e2e' };
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Stash Mirror' })).toBeVisible();
  await expect(page.getByText('Version e2e')).toBeVisible();
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
  await page.screenshot({ path: testInfo.outputPath('renderer-shell.png'), fullPage: true });
  expect(problems.filter((p) => !/Content Security Policy/.test(p))).toEqual([]);
});
