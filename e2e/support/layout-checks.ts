/** Layout checks run in the page: what scrolls sideways, what sticks out of its container. */
import type { Page } from '@playwright/test';

/**
 * Every element that scrolls sideways (the page itself, or any scrolling box in it), as
 * "tag.class scrollWidth>clientWidth": none is expected.
 */
export function sidewaysScrollersOf(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const root = document.scrollingElement!;
    const scrollers = [root, ...Array.from(document.querySelectorAll('*')).filter((el) => /auto|scroll/.test(getComputedStyle(el).overflowX))];
    return scrollers
      .filter((el) => el.scrollWidth > (el === root ? window.innerWidth : el.clientWidth) + 1)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth}>${el === root ? window.innerWidth : el.clientWidth}`);
  });
}

/**
 * Elements inside any element matching `containerSelector` that stick out of it on the left or
 * right, or out of the window, as descriptions: none is expected.
 */
export function elementsOutsideOf(page: Page, containerSelector: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const outside: string[] = [];
    for (const container of Array.from(document.querySelectorAll(selector))) {
      const box = container.getBoundingClientRect();
      for (const el of Array.from(container.querySelectorAll('*'))) {
        const part = el.getBoundingClientRect();
        if (part.width === 0 && part.height === 0) continue;
        if (part.left < box.left - 0.5 || part.right > box.right + 0.5 || part.right > window.innerWidth) {
          outside.push(
            `${selector}: ${el.tagName.toLowerCase()}.${el.className} "${el.textContent?.slice(0, 30)}" ${part.left}-${part.right} in ${box.left}-${box.right}`,
          );
        }
      }
    }
    return outside;
  }, containerSelector);
}
