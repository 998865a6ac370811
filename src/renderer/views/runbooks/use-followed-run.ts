import { useEffect } from 'react';
import { useFleet } from '../../stores/fleet.store';
import { useNow } from '../sources/use-now';
import { isLive } from './run-words';

/**
 * The runbooks slice's open run for this id, followed live through runs.changed, with what its
 * views show beside it: its runbook (for step guidance), its endpoint, and a clock for the step
 * durations while it is live. Shared by `#/runs/<id>` and the incident page's run panel, so a run
 * behaves the same in both.
 */
export function useFollowedRun(id: string) {
  const openRun = useFleet((s) => s.openRun);
  const run = useFleet((s) => (s.runId === id ? s.run : null));
  const pending = useFleet((s) => s.runPending);
  const control = useFleet((s) => s.controlRun);
  const loadRunbook = useFleet((s) => s.loadRunbook);
  const runbook = useFleet((s) => (run && s.runbook?.id === run.runbookId ? s.runbook : null));
  const endpoint = useFleet((s) => (run?.endpointId ? s.endpoints.get(run.endpointId) : undefined));
  const now = useNow(1000, run !== null && isLive(run.state));

  useEffect(() => (id ? openRun(id) : undefined), [id, openRun]);
  const runbookId = run?.runbookId;
  useEffect(() => {
    if (runbookId) void loadRunbook(runbookId);
  }, [runbookId, loadRunbook]);

  return { run, pending, control, runbook, endpoint, now };
}
