/**
 * Pictures with Stash away: the host answers from the picture cache the sync filled, a screenshot
 * Stash never generated says so, the player shows performers' cached images, and with the cache turned off the thumbnails wait for Stash and
 * come back by themselves once it returns.
 */
import { expect, test, type Page } from '@playwright/test';
import { HTTP_ROUTES } from '../src/shared/contract';
import { startFakeStash, type FakeStash } from '../tools/fake-stash/server';
import { mainNav } from './support/app-steps';
import { HOST_TOKEN } from './support/env';
import { STASH_API_KEY } from './support/fake-stash';
import { openOwnLibrary, type OwnLibrary } from './support/own-library';
import { screenshot } from './support/screens';
import { thumbnailsInView, type ThumbnailState } from './support/thumbnails';

test.describe.configure({ mode: 'serial' });

let library: OwnLibrary;
let page: Page;
let restarted: FakeStash | null = null;

const NOT_GENERATED = 'No screenshot generated in Stash';
const results = () => page.getByRole('listbox', { name: 'Results' });

test.beforeAll(async ({ browser }) => {
  library = await openOwnLibrary(browser, 'offline-media', { seed: 14, markers: 120 });
  page = library.page;
  // A failed screenshot is retried after a minute: the test moves the page's clock instead of waiting.
  await page.clock.install();
  await page.goto(`/?token=${HOST_TOKEN}`);
});

test.afterAll(async () => {
  await restarted?.close();
  await library?.close();
});

/** Waits until every row in view shows one of `states`, and at least one row shows the first. */
async function expectThumbnailsInView(...states: ThumbnailState[]): Promise<void> {
  await expect
    .poll(async () => {
      const shown = await thumbnailsInView(results());
      return shown.includes(states[0]!) && shown.every((s) => states.includes(s)) ? 'as expected' : shown.join(', ');
    })
    .toBe('as expected');
}

async function openSearch(): Promise<void> {
  await mainNav(page, 'Search').click();
  await expect(page.locator('.result-count')).toContainText('120');
}

test('with Stash stopped, cached screenshots show and one Stash never generated says so', async () => {
  await library.stash.close();
  await openSearch();
  await expectThumbnailsInView('loaded', 'not generated');

  // Every 17th marker's screenshot was never generated in Stash: page on until one is in view.
  await results().focus();
  const label = results().getByRole('img', { name: NOT_GENERATED });
  for (let pages = 0; pages < 12 && (await label.count()) === 0; pages++) {
    await page.keyboard.press('PageDown');
    await expectThumbnailsInView('loaded', 'not generated');
  }
  await expect(label.first()).toBeVisible();
  await expect(label.first()).toHaveAttribute('title', NOT_GENERATED);
  await screenshot(page, 'offline-media-not-generated');
});

test('with Stash stopped, the player shows the performers with their cached images', async () => {
  await results().focus();
  await page.keyboard.press('Home');
  const info = page.locator('.player-info');
  /** Once every face has loaded or given up (a face that fails is removed): how many show a picture. */
  const loadedFaces = () =>
    info.evaluate((element) => {
      const images = Array.from(element.querySelectorAll<HTMLImageElement>('img.performer-face'));
      return images.every((image) => image.complete) ? images.filter((image) => image.naturalWidth > 0).length : -1;
    });
  // Not every marker's scene has a performer with an image: step down the list until one does.
  let shown = 0;
  for (let row = 0; row < 20 && shown === 0; row++) {
    if (row > 0) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await expect(info).toBeVisible();
    await expect.poll(loadedFaces).toBeGreaterThanOrEqual(0);
    shown = await loadedFaces();
  }
  expect(shown).toBeGreaterThan(0);
  await expect(info.locator('img.performer-face').first()).toHaveAttribute('alt', /^Image of /);
  await screenshot(page, 'offline-media-performer-faces');
  await page.keyboard.press('Escape');
});

test('with the picture cache off, thumbnails wait for Stash and come back once it returns', async () => {
  const saved = await page.request.post(`${library.host.url}${HTTP_ROUTES.rpc('updateSettings')}`, {
    headers: { Authorization: `Bearer ${HOST_TOKEN}` },
    data: { media: { enabled: false, budgetGb: 1, includePreviews: false } },
  });
  expect(saved.ok(), await saved.text()).toBe(true);
  await page.goto(`/?token=${HOST_TOKEN}`);
  await openSearch();
  await expectThumbnailsInView('placeholder');
  await expect(results().getByRole('img', { name: NOT_GENERATED })).toHaveCount(0);
  await screenshot(page, 'offline-media-cache-off-stash-away');

  restarted = await startFakeStash({ library: library.stash.library, apiKey: STASH_API_KEY, port: Number(new URL(library.stash.origin).port) });
  await page.clock.runFor(61_000);
  await expectThumbnailsInView('loaded', 'not generated');
  await screenshot(page, 'offline-media-cache-off-stash-back');
});
