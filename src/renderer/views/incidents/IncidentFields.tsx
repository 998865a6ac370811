import { useState } from 'react';
import { incidentSeveritySchema, type Incident, type IncidentSeverity } from '../../../shared/contract/index';
import type { IncidentEditPatch } from '../../stores/incident-detail.slice';
import { severityWords } from './incident-words';

/**
 * The editable parts of an incident's header: title (click "Edit"), severity and owner. Each
 * change goes to incidents.edit, which writes it to the timeline with who made it.
 */
export function EditableTitle({
  incident,
  readOnly,
  onSave,
}: {
  incident: Incident;
  readOnly: boolean;
  onSave: (patch: IncidentEditPatch) => Promise<boolean>;
}) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(incident.title);
  if (!editing || readOnly) {
    return (
      <span className="inc-title-row">
        {readOnly ? null : (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setTitle(incident.title);
              setEditing(true);
            }}
            data-testid="incident-title-edit"
          >
            Edit title
          </button>
        )}
      </span>
    );
  }
  return (
    <form
      className="inc-title-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!title.trim()) return;
        void onSave({ title: title.trim() }).then((ok) => ok && setEditing(false));
      }}
    >
      <input
        className="control control-wide"
        value={title}
        maxLength={200}
        autoFocus
        onChange={(e) => setTitle(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}
        aria-label="Incident title"
        data-testid="incident-title-input"
      />
      <button type="submit" className="button button-primary" data-testid="incident-title-save">
        Save
      </button>
      <button type="button" className="button" onClick={() => setEditing(false)}>
        Cancel
      </button>
    </form>
  );
}

export function SeveritySelect({
  incident,
  readOnly,
  onSave,
}: {
  incident: Incident;
  readOnly: boolean;
  onSave: (patch: IncidentEditPatch) => Promise<boolean>;
}) {
  return (
    <select
      className="control rb-select"
      value={incident.severity}
      disabled={readOnly}
      aria-label="Severity"
      onChange={(e) => void onSave({ severity: e.target.value as IncidentSeverity })}
      data-testid="incident-severity"
    >
      {incidentSeveritySchema.options.map((s) => (
        <option key={s} value={s}>
          {severityWords[s].label} — {severityWords[s].hint}
        </option>
      ))}
    </select>
  );
}

export function OwnerField({
  incident,
  readOnly,
  onSave,
}: {
  incident: Incident;
  readOnly: boolean;
  onSave: (patch: IncidentEditPatch) => Promise<boolean>;
}) {
  const [owner, setOwner] = useState(incident.owner ?? '');
  const [editing, setEditing] = useState(false);
  if (!editing || readOnly)
    return (
      <span className="inc-owner" data-testid="incident-owner">
        {incident.owner ?? <span className="muted">nobody</span>}
        {readOnly ? null : (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setOwner(incident.owner ?? '');
              setEditing(true);
            }}
          >
            change
          </button>
        )}
      </span>
    );
  return (
    <form
      className="inc-owner-form"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave({ owner: owner.trim() }).then((ok) => ok && setEditing(false));
      }}
    >
      <input
        className="control"
        value={owner}
        maxLength={120}
        autoFocus
        placeholder="empty for nobody"
        onChange={(e) => setOwner(e.target.value)}
        aria-label="Owner"
        data-testid="incident-owner-input"
      />
      <button type="submit" className="button">
        Save
      </button>
    </form>
  );
}
