/** Public API of the fake Stash server used by tests, demos and benchmarks. */
export { clockOffset, createClock, type FakeClock, formatStamp, type StashOffset } from './clock';
export {
  type BulkIds,
  type BulkScenePatch,
  type EntityKind,
  type FakeFile,
  FakeLibrary,
  type FakeMarker,
  type FakePerformer,
  type FakeScene,
  type FakeStudio,
  type FakeTag,
  type Gender,
  GENDERS,
} from './library';
export { BENCH_SIZE, generateLibrary, type GenerateOptions, type LibrarySize, SAMPLE_SIZE, studioCountOf } from './generate';
export { MAX_MARKERS_PER_QUERY, naturalKey } from './query';
export { DELETIONS_LEFT, growPerformersWhileListed, type RestlessPerformers } from './restless';
export { performerImagePath, studioImagePath, STASH_APP_SCHEMA, STASH_VERSION, SUBSET_SCHEMA_PATH } from './schema';
export {
  type BeforeExecuteInfo,
  type FakeStash,
  type FaultInjector,
  type FaultKind,
  type FaultOptions,
  type RequestRecord,
  startFakeStash,
  type StartOptions,
} from './server';
export { type FakeMedia, type MediaRequestRecord } from './media';
