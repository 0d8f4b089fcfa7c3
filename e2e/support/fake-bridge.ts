/**
 * A stand-in for the Electron preload's `window.stashMirror`, installed into the page before the
 * app loads. It runs inside the browser, so it must not use anything from outside its own body.
 */
export function installFakeBridge(): void {
  const TOTAL = 2500;
  const opened: string[] = [];
  const now = new Date().toISOString();
  const tag = (id: number) => ({ id, name: `Tag ${id}` });
  const hit = (index: number) => ({
    id: index + 1,
    title: `Marker ${index + 1}`,
    seconds: 30 + index * 7,
    endSeconds: index % 3 === 0 ? null : 45 + index * 7,
    primaryTag: tag(index % 20),
    tags: [tag((index + 1) % 20), tag((index + 2) % 20)],
    scene: { id: 1000 + index, title: `Scene ${1000 + index}`, basename: `scene-${1000 + index}.mp4`, date: '2021-05-04' },
    performers: [{ id: 1, name: 'Performer One' }],
    urls: {
      stream: 'http://stash.invalid/stream',
      preview: 'http://stash.invalid/preview',
      screenshot: 'http://stash.invalid/screenshot.jpg',
      scene: `http://stash.invalid/scenes/${1000 + index}?t=${30 + index * 7}`,
    },
  });
  const entities = ['performers', 'tags', 'scenes', 'markers'] as const;
  const status = {
    state: 'idle',
    trigger: null,
    startedAt: null,
    progress: [],
    lastSuccessAt: now,
    lastError: null,
    lastErrorKind: null,
    entities: entities.map((entity) => ({ entity, lastSuccessAt: now, lastStatus: 'succeeded', lastError: null })),
    nextScheduledAt: null,
    mirrorReady: true,
    warnings: [],
  };
  const settings = {
    stashUrl: 'http://stash.invalid',
    hasApiKey: false,
    backend: { kind: 'sqlite', file: '/tmp/mirror.sqlite' },
    periodicSync: { enabled: false, intervalMinutes: 60 },
    entities: [...entities],
  };
  const api = {
    getAppInfo: async () => ({ version: 'e2e', host: 'electron', databaseLocation: '/tmp/mirror.sqlite' }),
    getSettings: async () => settings,
    updateSettings: async () => settings,
    testConnection: async () => ({ ok: true, version: 'v0.27.2' }),
    getSyncStatus: async () => status,
    listSyncRuns: async () => [],
    syncNow: async () => ({ ok: false, reason: 'not in this test', kind: 'notConfigured' }),
    cancelSync: async () => ({ cancelled: false }),
    searchMarkers: async (query: { page?: number; perPage?: number }) => {
      const perPage = query.perPage ?? 50;
      const first = ((query.page ?? 1) - 1) * perPage;
      const count = Math.max(0, Math.min(perPage, TOTAL - first));
      const facet = (id: number) => ({ ...tag(id), count: 100 - id });
      return {
        total: TOTAL,
        page: query.page ?? 1,
        perPage,
        hits: Array.from({ length: count }, (_, i) => hit(first + i)),
        facets: { primaryTags: [facet(1), facet(2)], performers: [], sceneTags: [facet(3)] },
      };
    },
    suggest: async () => [tag(1), tag(2)],
    listGenders: async () => ['FEMALE', 'MALE'],
    openExternal: async ({ url }: { url: string }) => {
      opened.push(url);
    },
    on: () => () => undefined,
  };
  Object.assign(window, { stashMirror: api, openedExternally: opened });
}
