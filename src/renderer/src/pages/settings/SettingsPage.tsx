import { useState, type FormEvent } from 'react';
import { ENTITIES, type SettingsView } from '../../../../shared/contract';
import { messageOf } from '../../api';
import { ErrorLine } from '../../components/ErrorLine';
import { useApp } from '../../stores/app-store';
import { useSync } from '../../stores/sync-store';
import { ENTITY_LABELS } from '../../lib/labels';
import { ConnectionTest } from './ConnectionTest';
import { Field } from './Field';
import { formFromSettings, updateFromForm, type SettingsErrors, type SettingsField, type SettingsForm } from './settings-form';

export function SettingsPage() {
  const settings = useApp((s) => s.settings);
  const loadError = useApp((s) => s.loadError);
  if (!settings) return <div className="page">{loadError ? <ErrorLine message={loadError} /> : null}</div>;
  return <SettingsEditor saved={settings} />;
}

function SettingsEditor({ saved }: { saved: SettingsView }) {
  const saveSettings = useApp((s) => s.saveSettings);
  const [form, setForm] = useState<SettingsForm>(() => formFromSettings(saved));
  const [errors, setErrors] = useState<SettingsErrors>({});
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const change = (patch: Partial<SettingsForm>) => {
    setForm((current) => ({ ...current, ...patch }));
    setMessage(null);
  };

  /** `field`: where a refusal belongs, when the save is about one field the service checks itself. */
  const persist = async (run: () => Promise<unknown>, done: string, field?: SettingsField) => {
    setSaving(true);
    try {
      await run();
      setMessage({ ok: true, text: done });
      void useSync.getState().refreshStatus();
    } catch (error) {
      if (field) {
        setErrors((current) => ({ ...current, [field]: messageOf(error) }));
        setMessage({ ok: false, text: 'Not saved: see the field marked in red.' });
      } else {
        setMessage({ ok: false, text: messageOf(error) });
      }
    } finally {
      setSaving(false);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const { update, errors: found } = updateFromForm(form, saved);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setMessage({ ok: false, text: 'Fix the fields marked in red.' });
      return;
    }
    // The service connects to a new PostgreSQL database before keeping it: its refusal (a wrong
    // password, no such host) is about that field.
    const backendField = update.backend?.kind === 'postgres' ? 'postgresUrl' : undefined;
    void persist(
      async () => {
        setForm(formFromSettings(await saveSettings(update)));
      },
      'Settings saved.',
      backendField,
    );
  };

  const toggleEntity = (entity: (typeof ENTITIES)[number], on: boolean) =>
    change({ entities: on ? [...form.entities, entity] : form.entities.filter((e) => e !== entity) });

  return (
    <form className="page settings-page" onSubmit={onSubmit} noValidate aria-label="Settings">
      <section className="panel">
        <h2>Stash server</h2>
        <Field label="Stash URL" error={errors.stashUrl} hint="The address you open Stash at, e.g. http://192.168.1.10:9999">
          {(props) => (
            <input
              {...props}
              type="url"
              placeholder="http://localhost:9999"
              spellCheck={false}
              value={form.stashUrl}
              onChange={(e) => change({ stashUrl: e.target.value })}
            />
          )}
        </Field>
        <Field
          label="API key"
          error={errors.apiKey}
          hint={
            saved.hasApiKey ? 'A key is saved; type a new one to replace it.' : 'From Stash: Settings → Security. Leave empty if Stash needs none.'
          }
        >
          {(props) => (
            <div className="key-row">
              <input
                {...props}
                type="password"
                autoComplete="off"
                placeholder={saved.hasApiKey ? '••••••••  (saved)' : 'No key'}
                value={form.apiKey}
                onChange={(e) => change({ apiKey: e.target.value })}
              />
              {saved.hasApiKey && (
                <>
                  <span className="badge badge-succeeded">Key saved</span>
                  <button type="button" disabled={saving} onClick={() => void persist(() => saveSettings({ apiKey: null }), 'API key removed.')}>
                    Remove key
                  </button>
                </>
              )}
            </div>
          )}
        </Field>
        <ConnectionTest stashUrl={form.stashUrl} apiKey={form.apiKey} />
      </section>

      <section className="panel">
        <h2>Storage</h2>
        <fieldset className="radio-group">
          <legend className="visually-hidden">Database</legend>
          <label className="check">
            <input type="radio" name="backend" checked={form.backendKind === 'sqlite'} onChange={() => change({ backendKind: 'sqlite' })} />
            Embedded SQLite
          </label>
          {saved.backend.kind === 'sqlite' && <p className="hint mono indent">{saved.backend.file}</p>}
          <label className="check">
            <input type="radio" name="backend" checked={form.backendKind === 'postgres'} onChange={() => change({ backendKind: 'postgres' })} />
            PostgreSQL
          </label>
        </fieldset>
        {form.backendKind === 'postgres' && (
          <Field label="PostgreSQL URL" error={errors.postgresUrl} hint="postgres://user:password@host:5432/database">
            {(props) => (
              <input {...props} type="text" spellCheck={false} value={form.postgresUrl} onChange={(e) => change({ postgresUrl: e.target.value })} />
            )}
          </Field>
        )}
      </section>

      <section className="panel">
        <h2>Syncing</h2>
        <label className="check">
          <input type="checkbox" checked={form.periodicEnabled} onChange={(e) => change({ periodicEnabled: e.target.checked })} />
          Sync periodically
        </label>
        <Field label="Interval (minutes)" error={errors.intervalMinutes}>
          {(props) => (
            <input
              {...props}
              type="number"
              min={5}
              step={5}
              className="narrow"
              disabled={!form.periodicEnabled}
              value={form.intervalMinutes}
              onChange={(e) => change({ intervalMinutes: e.target.value })}
            />
          )}
        </Field>
        <fieldset className="entity-choice">
          <legend>What to sync</legend>
          {ENTITIES.map((entity) => (
            <label key={entity} className="check">
              <input type="checkbox" checked={form.entities.includes(entity)} onChange={(e) => toggleEntity(entity, e.target.checked)} />
              {ENTITY_LABELS[entity]}
            </label>
          ))}
          {errors.entities && <span className="field-error">{errors.entities}</span>}
        </fieldset>
      </section>

      <section className="panel">
        <h2>Pictures offline</h2>
        <label className="check">
          <input type="checkbox" checked={form.mediaEnabled} onChange={(e) => change({ mediaEnabled: e.target.checked })} />
          Keep marker screenshots and performer images after each sync, so they show without Stash
        </label>
        <Field label="Cache size (GB)" error={errors.mediaBudgetGb} hint="The least recently viewed pictures go first once it is full">
          {(props) => (
            <input
              {...props}
              type="number"
              min={0.1}
              step={0.5}
              className="narrow"
              disabled={!form.mediaEnabled}
              value={form.mediaBudgetGb}
              onChange={(e) => change({ mediaBudgetGb: e.target.value })}
            />
          )}
        </Field>
        <label className="check">
          <input
            type="checkbox"
            disabled={!form.mediaEnabled}
            checked={form.mediaPreviews}
            onChange={(e) => change({ mediaPreviews: e.target.checked })}
          />
          Also keep markers’ animated previews (much larger)
        </label>
      </section>

      <div className="form-footer">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        {message && (
          <span role={message.ok ? 'status' : 'alert'} className={message.ok ? 'save-ok' : 'error-line'}>
            {message.text}
          </span>
        )}
      </div>
    </form>
  );
}
