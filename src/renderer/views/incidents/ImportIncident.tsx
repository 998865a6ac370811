import { useRef, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { incidentHash } from '../../stores/incidents.slice';
import { useFleet } from '../../stores/fleet.store';

/**
 * "Import incident…": a file exported on another machine goes to incidents.import, which checks
 * its format and digest and never overwrites a different local incident. On such a conflict the
 * person may import it as a copy under a new id.
 */
export function ImportIncident() {
  const input = useRef<HTMLInputElement>(null);
  const importIncident = useFleet((s) => s.importIncident);
  const pending = useFleet((s) => s.importPending);
  const result = useFleet((s) => s.importResult);
  const error = useFleet((s) => s.importError);
  const clear = useFleet((s) => s.clearImport);
  const [text, setText] = useState<string | null>(null);
  const [fileName, setFileName] = useState('');
  return (
    <>
      <button
        type="button"
        className="button"
        disabled={pending}
        onClick={() => input.current?.click()}
        data-testid="incident-import"
      >
        {pending ? <SpinnerIcon className="spin" /> : null}
        Import incident…
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,.fleetdeck-incident,application/json"
        hidden
        data-testid="incident-import-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (!file) return;
          setFileName(file.name);
          void file.text().then((t) => {
            setText(t);
            return importIncident(t, false);
          });
        }}
      />
      {result || error ? (
        <div className="inc-import-outcome" data-testid="incident-import-outcome">
          {result ? (
            <p className="notice" role="status" data-outcome={result.outcome}>
              <span>
                {result.message}{' '}
                <a className="link" href={incidentHash(result.incident.id)}>
                  Open {result.incident.id}
                </a>
              </span>
            </p>
          ) : error ? (
            <ErrorNotice
              title={`${fileName || 'The file'} was not imported`}
              error={error}
              testId="incident-import-error"
            >
              {error.code === 'conflict' && text ? (
                <button
                  type="button"
                  className="button button-primary"
                  onClick={() => void importIncident(text, true)}
                  data-testid="incident-import-copy"
                >
                  Import as a copy
                </button>
              ) : null}
            </ErrorNotice>
          ) : null}
          <button type="button" className="button" onClick={clear}>
            Dismiss
          </button>
        </div>
      ) : null}
    </>
  );
}
