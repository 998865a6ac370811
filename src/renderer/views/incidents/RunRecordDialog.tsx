import { useEffect, useState } from 'react';
import type { Run } from '../../../shared/contract/index';
import type { FleetErrorBody } from '../../../shared/errors/fleet-error';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { formatClock, formatDate } from '../../format/display-format';
import { toErrorBody } from '../../stores/errors';
import { useFleet } from '../../stores/fleet.store';
import { RunStepList } from '../runbooks/RunStepList';
import { runStateWords } from '../runbooks/run-words';
import { Dialog } from '../sources/Dialog';

/**
 * A run as the incident recorded it (incidents.run): for an imported incident, whose runs exist
 * only in its file, so `#/runs/<id>` on this machine knows nothing of them. The run view's own
 * step list shows it.
 */
export function RunRecordDialog({ runId, onClose }: { runId: string; onClose: () => void }) {
  const read = useFleet((s) => s.readIncidentRun);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<FleetErrorBody | null>(null);
  useEffect(() => {
    let live = true;
    read(runId).then(
      (r) => live && setRun(r),
      (e: unknown) => live && setError(toErrorBody(e)),
    );
    return () => {
      live = false;
    };
  }, [read, runId]);
  return (
    <Dialog
      title={run ? run.runbookTitle : `Run ${runId}`}
      onClose={onClose}
      testId="incident-run-record"
      actions={
        <button type="button" className="button" onClick={onClose} data-autofocus>
          Close
        </button>
      }
    >
      {error ? (
        <ErrorNotice title={`Could not read run ${runId}`} error={error} />
      ) : !run ? (
        <p className="panel-loading">
          <SpinnerIcon className="spin" /> Reading…
        </p>
      ) : (
        <>
          <p className="muted">
            <span className={`tone-${runStateWords[run.state].tone}`}>{runStateWords[run.state].label}</span>{' '}
            · {run.actor} · started {formatDate(run.startedAt)} {formatClock(run.startedAt, timeFormat)}
            {run.endedAt ? ` · ended ${formatClock(run.endedAt, timeFormat)}` : ''}
          </p>
          <RunStepList run={run} now={run.endedAt ?? run.startedAt} />
        </>
      )}
    </Dialog>
  );
}
