import { useEffect } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { useFleet } from '../../stores/fleet.store';
import '../../styles/sources.css';
import { ViewHeader } from '../ViewHeader';
import { ActiveFaults } from './ActiveFaults';
import { FaultForm } from './FaultForm';

/** How often the active faults are re-read while this view is open. */
const REFRESH_MS = 3000;

/** Fault injection into the demo fleet (issue 3 §1), for demos, drills and tests. */
export function DemoView() {
  const running = useFleet((s) => s.demoRunning);
  const absent = useFleet((s) => s.demoAbsentReason);
  const faultsError = useFleet((s) => s.faultsError);
  const refreshFaults = useFleet((s) => s.refreshFaults);

  // Asked once on opening (so a direct link says why when there is no demo), then every few
  // seconds while the demo runs.
  useEffect(() => void refreshFaults(), [refreshFaults]);
  const polling = running === true;
  useEffect(() => {
    if (!polling) return;
    const timer = window.setInterval(() => void refreshFaults(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [polling, refreshFaults]);

  return (
    <section className="view" data-testid="view-demo">
      <ViewHeader
        title="Demo faults"
        subtitle="Break the demo fleet on purpose: health, metrics and kubectl show the fault like a real one."
      />
      {running === false && absent ? (
        <ErrorNotice title="No faults to inject" error={absent} testId="demo-absent" />
      ) : running === null && faultsError ? (
        <ErrorNotice
          title="Could not ask the core about the demo fleet"
          error={faultsError}
          testId="faults-error"
        />
      ) : running === null ? (
        <div className="panel panel-loading" aria-busy="true">
          <SpinnerIcon /> <span>Asking the core whether the demo fleet runs…</span>
        </div>
      ) : (
        <>
          {faultsError ? (
            <ErrorNotice title="Active faults could not be read" error={faultsError} testId="faults-error" />
          ) : null}
          <div className="panel-grid demo-grid">
            <FaultForm />
            <ActiveFaults />
          </div>
        </>
      )}
    </section>
  );
}
