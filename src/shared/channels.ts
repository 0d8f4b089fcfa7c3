/**
 * The contract's method and event names and the IPC channels they travel on, without the schemas:
 * a sandboxed preload can require nothing but 'electron', so it imports this instead of
 * contract.ts and its zod. contract.ts re-exports everything here.
 */
import type { EventName, MethodName } from './contract';

export const METHOD_NAMES = [
  'getAppInfo',
  'getSettings',
  'updateSettings',
  'testConnection',
  'getSyncStatus',
  'listSyncRuns',
  'syncNow',
  'cancelSync',
  'searchMarkers',
  'suggest',
  'listGenders',
  'openExternal',
] as const satisfies readonly MethodName[];

export const EVENT_NAMES = ['syncStatus', 'syncFinished'] as const satisfies readonly EventName[];

// Both lists must name every method and event: a name missing above fails to compile here.
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : { missing: Exclude<All, Listed> };
const everyMethodListed: Missing<MethodName, (typeof METHOD_NAMES)[number]> = true;
const everyEventListed: Missing<EventName, (typeof EVENT_NAMES)[number]> = true;
void everyMethodListed;
void everyEventListed;

export function isMethodName(name: string): name is MethodName {
  return (METHOD_NAMES as readonly string[]).includes(name);
}

/** Names of the Electron IPC channels, so main and preload cannot disagree. */
export const ipcChannel = {
  invoke: (method: MethodName) => `stash-mirror:${method}`,
  event: (event: EventName) => `stash-mirror:event:${event}`,
};
