import { ENTITIES, SettingsUpdate, type EntityName, type SettingsView } from '../../../../shared/contract';

/** The settings form as typed. */
export interface SettingsForm {
  stashUrl: string;
  /** A new key; empty keeps the saved one. */
  apiKey: string;
  backendKind: 'sqlite' | 'postgres';
  /** Shown masked when saved: sent only when retyped. */
  postgresUrl: string;
  periodicEnabled: boolean;
  intervalMinutes: string;
  entities: EntityName[];
  mediaEnabled: boolean;
  mediaBudgetGb: string;
  mediaPreviews: boolean;
}

export type SettingsField = 'stashUrl' | 'apiKey' | 'postgresUrl' | 'intervalMinutes' | 'entities' | 'mediaBudgetGb';
export type SettingsErrors = Partial<Record<SettingsField, string>>;

export function formFromSettings(view: SettingsView): SettingsForm {
  return {
    stashUrl: view.stashUrl ?? '',
    apiKey: '',
    backendKind: view.backend.kind,
    postgresUrl: view.backend.kind === 'postgres' ? view.backend.url : '',
    periodicEnabled: view.periodicSync.enabled,
    intervalMinutes: String(view.periodicSync.intervalMinutes),
    entities: view.entities,
    mediaEnabled: view.media.enabled,
    mediaBudgetGb: String(view.media.budgetGb),
    mediaPreviews: view.media.includePreviews,
  };
}

const FIELD_MESSAGES: Partial<Record<SettingsField, string>> = {
  intervalMinutes: 'Enter whole minutes, from 5 to 10080 (a week)',
  entities: 'Choose at least one',
  mediaBudgetGb: 'Enter a size in GB, from 0.1 to 1000',
};

/** The update the form asks for, checked with the contract's own schema. */
export function updateFromForm(form: SettingsForm, saved: SettingsView): { update: SettingsUpdate; errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  const update: SettingsUpdate = {
    periodicSync: { enabled: form.periodicEnabled, intervalMinutes: Number(form.intervalMinutes.trim() || NaN) },
    entities: ENTITIES.filter((e) => form.entities.includes(e)),
    media: { enabled: form.mediaEnabled, budgetGb: Number(form.mediaBudgetGb.trim() || NaN), includePreviews: form.mediaPreviews },
  };
  const stashUrl = form.stashUrl.trim();
  if (stashUrl) update.stashUrl = stashUrl;
  else if (saved.stashUrl) errors.stashUrl = 'Enter the Stash server’s address';
  if (form.apiKey.trim()) update.apiKey = form.apiKey;
  const postgresChanged = saved.backend.kind !== 'postgres' || form.postgresUrl !== saved.backend.url;
  if (form.backendKind === 'sqlite' && saved.backend.kind !== 'sqlite') update.backend = { kind: 'sqlite' };
  if (form.backendKind === 'postgres' && postgresChanged) update.backend = { kind: 'postgres', url: form.postgresUrl };

  const check = SettingsUpdate.safeParse(update);
  if (!check.success) {
    for (const issue of check.error.issues) {
      const field = fieldOf(issue.path);
      errors[field] ??= FIELD_MESSAGES[field] ?? sentence(issue.message);
    }
  }
  return { update, errors };
}

function fieldOf(path: readonly PropertyKey[]): SettingsField {
  switch (path[0]) {
    case 'backend':
      return 'postgresUrl';
    case 'periodicSync':
      return 'intervalMinutes';
    case 'media':
      return 'mediaBudgetGb';
    case 'apiKey':
    case 'entities':
    case 'stashUrl':
      return path[0];
    default:
      return 'stashUrl';
  }
}

export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
