import { useState } from 'react';
import '../../styles/sources.css';
import '../../styles/runbooks.css';
import { incidentSeveritySchema, type IncidentSeverity } from '../../../shared/contract/index';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { useFleet } from '../../stores/fleet.store';
import { EndpointPicker } from '../runbooks/EndpointPicker';
import { Dialog } from '../sources/Dialog';
import { severityWords } from './incident-words';

/**
 * Opening an incident by hand (issue 7): a title, a severity, the endpoints it affects (picked
 * from the live fleet) and an optional first note. The core records who opened it.
 */
export function OpenIncidentDialog({
  onClose,
  initialEndpoint,
}: {
  onClose: () => void;
  initialEndpoint?: string;
}) {
  const open = useFleet((s) => s.openIncidentByHand);
  const pending = useFleet((s) => s.openByHandPending);
  const error = useFleet((s) => s.openByHandError);
  const endpoints = useFleet((s) => s.endpoints);
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState<IncidentSeverity>('sev3');
  const [chosen, setChosen] = useState<string[]>(initialEndpoint ? [initialEndpoint] : []);
  const [note, setNote] = useState('');
  const submit = () => {
    if (!title.trim() || pending) return;
    void open({
      title: title.trim(),
      severity,
      endpointIds: chosen,
      ...(note.trim() ? { note: note.trim() } : {}),
    }).then((ok) => {
      if (ok) onClose();
    });
  };
  return (
    <Dialog
      title="Open an incident"
      onClose={onClose}
      onSubmit={submit}
      testId="incident-open-dialog"
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={!title.trim() || pending}
            data-testid="incident-open-submit"
          >
            {pending ? <SpinnerIcon className="spin" /> : null}
            Open incident
          </button>
        </>
      }
    >
      <label className="field">
        <span className="field-label">Title</span>
        <input
          className="control control-wide"
          value={title}
          maxLength={200}
          onChange={(e) => setTitle(e.target.value)}
          placeholder="What is wrong, in a few words"
          data-autofocus
          data-testid="incident-open-title"
        />
      </label>
      <label className="field">
        <span className="field-label">Severity</span>
        <select
          className="control"
          value={severity}
          onChange={(e) => setSeverity(e.target.value as IncidentSeverity)}
          data-testid="incident-open-severity"
        >
          {incidentSeveritySchema.options.map((s) => (
            <option key={s} value={s}>
              {severityWords[s].label} — {severityWords[s].hint}
            </option>
          ))}
        </select>
      </label>
      <div className="field">
        <span className="field-label">Affected endpoints</span>
        <div className="inc-endpoints-field">
          {chosen.length > 0 ? (
            <ul className="inc-chosen" data-testid="incident-open-endpoints">
              {chosen.map((id) => (
                <li key={id} className="rb-chip" data-endpoint-id={id}>
                  {endpoints.get(id)?.name ?? id}
                  <button
                    type="button"
                    className="inc-chip-remove"
                    aria-label={`Remove ${endpoints.get(id)?.name ?? id}`}
                    onClick={() => setChosen(chosen.filter((c) => c !== id))}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">None yet: an incident may also start without endpoints.</p>
          )}
          <EndpointPicker
            value=""
            onPick={(id) => id && !chosen.includes(id) && setChosen([...chosen, id])}
          />
        </div>
      </div>
      <label className="field">
        <span className="field-label">First note (optional)</span>
        <textarea
          className="control control-wide"
          rows={3}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          data-testid="incident-open-note"
        />
      </label>
      {error ? (
        <ErrorNotice title="The incident was not opened" error={error} testId="incident-open-error" />
      ) : null}
    </Dialog>
  );
}
