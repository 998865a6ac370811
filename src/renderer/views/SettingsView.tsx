import { useMemo, useState, type FormEvent } from 'react';
import type { Settings } from '../../shared/contract/index';
import { ErrorNotice } from '../components/ErrorNotice';
import { CheckIcon, SpinnerIcon } from '../components/icons';
import {
  fieldValue,
  issueFor,
  rebaseDrafts,
  settingFields,
  toDrafts,
  type SettingField,
} from '../settings/settings-fields';
import { formatClock } from '../format/display-format';
import { useFleet } from '../stores/fleet.store';
import { SourcesSummary } from './sources/SourcesSummary';
import { ViewHeader } from './ViewHeader';

const fields = settingFields();

function FieldControl({
  field,
  value,
  invalid,
  describedBy,
  onChange,
}: {
  field: SettingField;
  value: string;
  invalid: boolean;
  describedBy: string;
  onChange: (value: string) => void;
}) {
  const osTheme = useFleet((s) => s.osTheme);
  // "Follow system" says what the system currently is, so the choice is not a guess.
  const optionLabel = (key: string, option: { value: string; label: string }) =>
    key === 'theme' && option.value === 'system' ? `${option.label} (${osTheme} now)` : option.label;
  const common = {
    id: `setting-${field.key}`,
    name: field.key,
    value,
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
    'data-testid': `setting-${field.key}`,
  };
  if (field.kind === 'select') {
    return (
      <select className="control" {...common} onChange={(e) => onChange(e.target.value)}>
        {field.options.map((option) => (
          <option key={option.value} value={option.value}>
            {optionLabel(field.key, option)}
          </option>
        ))}
      </select>
    );
  }
  if (field.kind === 'number') {
    return (
      <span className="control-with-unit">
        <input
          className="control control-number"
          type="number"
          inputMode="numeric"
          step={field.integer ? 1 : 'any'}
          min={field.min ?? undefined}
          max={field.max ?? undefined}
          {...common}
          onChange={(e) => onChange(e.target.value)}
        />
        {field.unit ? <span className="unit">{field.unit}</span> : null}
      </span>
    );
  }
  return <input className="control" type="text" {...common} onChange={(e) => onChange(e.target.value)} />;
}

function rangeWords(field: SettingField): string | null {
  if (field.kind !== 'number' || (field.min === null && field.max === null)) return null;
  const unit = field.unit ? ` ${field.unit}` : '';
  if (field.min !== null && field.max !== null) return `${field.min}–${field.max}${unit}.`;
  return field.min !== null ? `At least ${field.min}${unit}.` : `At most ${field.max}${unit}.`;
}

/**
 * Generated from the settings schema. The form does no range checks of its own (noValidate):
 * the core validates every change, and its reason is what the person reads.
 */
function SettingsForm({ settings }: { settings: Settings }) {
  const saving = useFleet((s) => s.saving);
  const lastError = useFleet((s) => s.lastError);
  const lastSavedAt = useFleet((s) => s.lastSavedAt);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? settings.timeFormat);
  const saveSettings = useFleet((s) => s.saveSettings);
  const dismissError = useFleet((s) => s.dismissSettingsError);

  const saved = useMemo(() => toDrafts(settings), [settings]);
  const [drafts, setDrafts] = useState<Record<string, string>>(saved);
  const [basis, setBasis] = useState(saved);
  // The core's copy changed (a save, or a re-read after reconnecting): fields the person has
  // not touched follow it; an edit in progress is kept.
  if (basis !== saved) {
    setBasis(saved);
    setDrafts((current) => rebaseDrafts(current, basis, saved));
  }

  const changed = fields.filter((field) => drafts[field.key] !== saved[field.key]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (changed.length === 0) return;
    const patch = Object.fromEntries(
      changed.map((field) => [field.key, fieldValue(field, drafts[field.key] ?? '')]),
    );
    await saveSettings(patch);
  };

  const discard = () => {
    setDrafts(saved);
    dismissError();
  };

  return (
    <form
      className="panel settings-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      data-testid="settings-form"
    >
      {fields.map((field) => {
        const issue = issueFor(field.key, lastError?.message);
        const descId = `setting-${field.key}-desc`;
        const range = rangeWords(field);
        return (
          <div className={`field${issue ? ' field-invalid' : ''}`} key={field.key}>
            <label className="field-label" htmlFor={`setting-${field.key}`}>
              {field.label}
            </label>
            <div className="field-control">
              <FieldControl
                field={field}
                value={drafts[field.key] ?? ''}
                invalid={issue !== null}
                describedBy={descId}
                onChange={(value) => setDrafts((d) => ({ ...d, [field.key]: value }))}
              />
              <p className="field-help" id={descId}>
                {field.description}
                {range ? ` ${range}` : ''}
                {issue ? (
                  <span className="field-issue" data-testid={`setting-${field.key}-issue`}>
                    {' '}
                    {issue}
                  </span>
                ) : null}
              </p>
            </div>
          </div>
        );
      })}

      {lastError ? (
        <ErrorNotice title="Settings not saved" error={lastError} testId="settings-error" />
      ) : null}

      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={saving || changed.length === 0}
          data-testid="settings-save"
        >
          {saving ? <SpinnerIcon /> : null}
          <span>{saving ? 'Saving…' : changed.length > 1 ? `Save ${changed.length} changes` : 'Save'}</span>
        </button>
        <button
          type="button"
          className="button"
          onClick={discard}
          disabled={saving || (changed.length === 0 && !lastError)}
        >
          Discard changes
        </button>
        <span className="form-status" aria-live="polite" data-testid="settings-status">
          {changed.length > 0 ? (
            <span className="muted">
              {changed.length} unsaved {changed.length === 1 ? 'change' : 'changes'}
            </span>
          ) : lastSavedAt && !lastError ? (
            <span className="saved">
              <CheckIcon /> Saved at {formatClock(lastSavedAt, timeFormat, true)} · applied
            </span>
          ) : null}
        </span>
      </div>
    </form>
  );
}

export function SettingsView() {
  const settings = useFleet((s) => s.settings);
  const loadError = useFleet((s) => s.settingsLoadError);
  const reload = useFleet((s) => s.loadSettings);
  return (
    <section className="view" data-testid="view-settings">
      <ViewHeader
        title="Settings"
        subtitle="Kept in the Fleetdeck database by the core. Saved changes apply at once."
      />
      {settings ? (
        <SettingsForm settings={settings} />
      ) : loadError ? (
        <ErrorNotice title="Settings could not be loaded" error={loadError} testId="settings-load-error">
          <button type="button" className="button" onClick={() => void reload()}>
            Try again
          </button>
        </ErrorNotice>
      ) : (
        <div className="panel panel-loading" aria-busy="true">
          <SpinnerIcon /> <span>Loading settings…</span>
        </div>
      )}
      <SourcesSummary />
    </section>
  );
}
