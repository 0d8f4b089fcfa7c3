/**
 * Marker screenshots in a browser, from a Stash server that needs an API key: the headless host
 * fetches them with the key and serves them from its own origin, so the key never reaches the page
 * and the page's policy never names Stash. A screenshot that failed while Stash was away comes back
 * by itself once Stash returns.
 */
import { expect, test, type Page } from '@playwright/test';
import { SCREENSHOT_SIZE, startFakeStash } from '../tools/fake-stash/server';
import { connectStash, mainNav, syncNow } from './support/app-steps';
import { HOST_TOKEN, HOST_URL, VIEWPORT } from './support/env';
import { startSampleStash, STASH_API_KEY, type FakeStash } from './support/fake-stash';
import { markerCount } from './support/host-api';
import { screenshot } from './support/screens';
import { thumbnailsInView, type ThumbnailState } from './support/thumbnails';

test.describe.configure({ mode: 'serial' });

let page: Page;
let stash: FakeStash;
/** Requests the page itself made to Stash: there must be none, the host makes them. */
const pageRequestsToStash: string[] = [];
const policyViolations: string[] = [];

test.beforeAll(async ({ browser }) => {
  stash = await startSampleStash();
  page = await browser.newPage({ baseURL: HOST_URL, viewport: VIEWPORT });
  page.on('request', (request) => request.url().startsWith(stash.origin) && pageRequestsToStash.push(request.url()));
  page.on('console', (message) => /Content Security Policy/.test(message.text()) && policyViolations.push(message.text()));
  // A failed screenshot is retried after a minute: the test moves the page's clock instead of waiting.
  await page.clock.install();
});

test.afterAll(async () => {
  await page?.close();
  await stash?.close();
});

const results = () => page.getByRole('listbox', { name: 'Results' });

/** Waits until every row in view shows `state`. */
async function expectThumbnailsInView(state: ThumbnailState): Promise<void> {
  await expect
    .poll(async () => {
      const states = await thumbnailsInView(results());
      return states.length > 0 && states.every((s) => s === state) ? state : states.join(', ');
    })
    .toBe(state);
}

test('the host serves the screenshots of a Stash that needs a key, under a policy that does not name Stash', async () => {
  const response = await page.goto(`/?token=${HOST_TOKEN}`);
  // Saving a Stash address later does not need a reload for pictures to be allowed.
  expect(response!.headers()['content-security-policy']).toContain("img-src 'self' data:;");

  await connectStash(page, stash.origin, STASH_API_KEY);
  await syncNow(page);
  await mainNav(page, 'Search').click();
  await expect(page.locator('.result-count')).toHaveText(markerCount(8000));

  await expectThumbnailsInView('loaded');
  const images = await results()
    .locator('img.thumb')
    .evaluateAll((list) => (list as HTMLImageElement[]).map((image) => ({ src: image.getAttribute('src')!, width: image.naturalWidth })));
  for (const image of images) {
    expect(image.src).toMatch(/^\/api\/stash-image\/scene\/\d+\/scene_marker\/\d+\/screenshot\?connection=[\w-]+&token=/);
    expect(image.src).not.toContain(STASH_API_KEY);
  }
  expect(images.some((image) => image.width === SCREENSHOT_SIZE.width)).toBe(true);
  expect(pageRequestsToStash).toEqual([]);
  expect(policyViolations).toEqual([]);
  await screenshot(page, 'search-screenshots');
});

test('with Stash away, the screenshots the sync cached still show', async () => {
  const port = Number(new URL(stash.origin).port);
  await stash.close();
  // Rows whose screenshots the page never loaded: the host answers them from its picture cache.
  await results().focus();
  await page.keyboard.press('End');
  await expect(results()).toHaveAttribute('aria-activedescendant', 'result-7999');
  await expectThumbnailsInView('loaded');
  expect(pageRequestsToStash).toEqual([]);
  await screenshot(page, 'search-screenshots-stash-away');
  stash = await startFakeStash({ library: stash.library, apiKey: STASH_API_KEY, port });
});
