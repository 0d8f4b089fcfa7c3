/**
 * The search form of a spec's own library, as the serial flows drive it: the result count, the
 * filter chips and pickers, the address's query, and the check that the page shows what the host
 * finds. Each reads the library lazily, so a spec builds it before its beforeAll opens the library.
 */
import { expect, type Locator } from '@playwright/test';
import type { MarkerQueryInput } from '../../src/shared/contract';
import { markerCount } from './host-api';
import type { OwnLibrary } from './own-library';

export interface SearchForm {
  resultCount(): Locator;
  /** The chip of an active filter, by the name it shows. */
  chip(name: string): Locator;
  addressQuery(): URLSearchParams;
  /** Types `name` into a filter's picker and chooses it from the suggestions. */
  pick(picker: string, name: string): Promise<void>;
  /** The page shows what the host finds for `query`, which narrows the library without emptying it. */
  expectCountOf(query: MarkerQueryInput): Promise<void>;
  expectNoPageErrors(): void;
}

export function searchForm(own: () => OwnLibrary, markers: number): SearchForm {
  const page = () => own().page;
  const resultCount = () => page().locator('.result-count');
  return {
    resultCount,
    chip: (name) => page().getByRole('button', { name: `Remove ${name}`, exact: true }),
    addressQuery: () => new URL(page().url()).searchParams,
    async pick(picker, name) {
      await page().getByLabel(picker, { exact: true }).fill(name);
      await page().getByRole('listbox', { name: picker }).getByRole('option', { name, exact: true }).click();
    },
    async expectCountOf(query) {
      const total = await own().countOf(query);
      expect(total, `markers found for ${JSON.stringify(query)}`).toBeGreaterThan(0);
      expect(total).toBeLessThan(markers);
      await expect(resultCount()).toHaveText(markerCount(total));
    },
    expectNoPageErrors: () => expect(own().pageErrors, 'errors thrown in the page').toEqual([]),
  };
}
