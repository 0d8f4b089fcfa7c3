/** What the result rows in view show where their screenshots go, read from the page. */
import type { Locator } from '@playwright/test';

export type ThumbnailState = 'loaded' | 'loading' | 'failed' | 'placeholder' | 'not generated' | 'pending row';

/** The state of each row of `list` (the results listbox) that is in view. */
export function thumbnailsInView(list: Locator): Promise<ThumbnailState[]> {
  return list.evaluate((element) => {
    const view = element.getBoundingClientRect();
    return Array.from(element.querySelectorAll('[role="option"]'))
      .filter((row) => {
        const box = row.getBoundingClientRect();
        return box.bottom > view.top && box.top < view.bottom;
      })
      .map((row): ThumbnailState => {
        if (row.querySelector('.skeleton')) return 'pending row';
        if (row.querySelector('.thumb-not-generated')) return 'not generated';
        const image = row.querySelector<HTMLImageElement>('img.thumb');
        if (!image) return 'placeholder';
        if (!image.complete) return 'loading';
        return image.naturalWidth > 0 ? 'loaded' : 'failed';
      });
  });
}
