import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const LAYER_RULE_IDS = new Set(['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax']);

// The repository's own eslint.config.js, so a layer rule left out of it fails here too. The typed
// rules are switched off: they need a whole TypeScript program and say nothing about imports.
const eslint = new ESLint({ cwd: ROOT, overrideConfig: [tseslint.configs.disableTypeChecked] });

/** The findings of the given rules for one source, linted as if it were the file at `file`. */
async function findings(file: string, source: string, ruleIds: Set<string>): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: resolve(ROOT, file) });
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId !== null && ruleIds.has(m.ruleId)).map((m) => m.message);
}

const layerFindings = (file: string, source: string) => findings(file, source, LAYER_RULE_IDS);

function cases(file: string, forbidden: string[], allowed: string[]): void {
  it.each(forbidden)(`${file}: reports %s`, async (source) => {
    expect(await layerFindings(file, source)).toHaveLength(1);
  });
  it.each(allowed)(`${file}: allows %s`, async (source) => {
    expect(await layerFindings(file, source)).toEqual([]);
  });
}

describe('layer rules', () => {
  describe('src/core is plain Node', () => {
    cases(
      'src/core/service/layer-fixture.ts',
      [
        "import { app } from 'electron';",
        "import type { BrowserWindow } from 'electron';",
        "import { ipcMain } from 'electron/main';",
        "import { useState } from 'react';",
        "import { createRoot } from 'react-dom/client';",
        "import { api } from '../../renderer/src/api';",
        "export async function load() { return import('electron'); }",
      ],
      [
        "import { readFileSync } from 'node:fs';",
        "import { MarkerQuery } from '../search/query';",
        "import type { RpcChannel } from '../../shared/rpc';",
      ],
    );
  });

  describe('src/renderer reaches the mirror only through src/shared', () => {
    cases(
      'src/renderer/src/stores/layer-fixture.ts',
      [
        "import { MarkerQuery } from '../../../core/search/query';",
        "import type { MarkerHit } from '../../../core/search/query';",
        "export type { NamedRef } from '../../../core/search/query';",
        "import { trayMenu } from '../../../main/tray-model';",
        "export async function load() { return import('../../../core/search/text'); }",
      ],
      [
        "import { SORTS, type MarkerHit } from '../../../shared/search-query';",
        "import type { SyncStatus } from '../../../shared/contract';",
        "import { useState } from 'react';",
        "import { api } from '../api';",
      ],
    );
    it('applies to components too', async () => {
      const found = await layerFindings('src/renderer/src/pages/search/LayerFixture.tsx', "import { SORTS } from '../../../../core/search/query';");
      expect(found).toHaveLength(1);
    });
  });

  describe('src/shared takes only types from src/core/db', () => {
    cases(
      'src/shared/layer-fixture.ts',
      [
        "import { SqliteMirrorStore } from '../core/db/sqlite-store';",
        "import { type RunStatus, MirrorSchemaError } from '../core/db/store';",
        "export { ENTITY_TABLES } from '../core/db/mirror-sql';",
      ],
      [
        "import type { RunStatus } from '../core/db/store';",
        "export type { SyncMode } from '../core/db/store';",
        "import { MarkerQuery } from '../core/search/query';",
        "import { ENTITIES } from '../core/mirror-rows';",
      ],
    );
  });
});

describe('an empty catch', () => {
  const NO_EMPTY = new Set(['no-empty']);
  it('is reported without a word on why nothing is lost', async () => {
    expect(await findings('tools/lint-fixture.ts', 'try { JSON.parse("x"); } catch {}', NO_EMPTY)).toHaveLength(1);
  });
  it('passes with a comment saying why', async () => {
    const source = 'try { JSON.parse("x"); } catch {\n  // Not JSON: the caller shows the raw text instead.\n}';
    expect(await findings('tools/lint-fixture.ts', source, NO_EMPTY)).toEqual([]);
  });
});
