import { defaultSettings } from '../../../shared/contract/index';
import { useFleet } from '../../stores/fleet.store';
import { formatClock } from '../../format/display-format';
import { useNow } from '../sources/use-now';
import { faultLabel, timeLeft } from './fault-kinds';

/** Faults running now, with the time each has left (the list is re-read every few seconds). */
export function ActiveFaults() {
  const faults = useFleet((s) => s.faults);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? defaultSettings.timeFormat);
  const now = useNow(1000, faults.length > 0);
  return (
    <section className="panel" aria-labelledby="active-faults-title" data-testid="active-faults">
      <h2 className="panel-title" id="active-faults-title">
        Active faults
      </h2>
      {faults.length === 0 ? (
        <p className="muted" data-testid="faults-empty">
          No fault is active. The fleet behaves as its daily traffic pattern says.
        </p>
      ) : (
        <table className="checks fault-table">
          <thead>
            <tr>
              <th scope="col">Fault</th>
              <th scope="col">Target</th>
              <th scope="col">Started</th>
              <th scope="col">Time left</th>
            </tr>
          </thead>
          <tbody>
            {faults.map((fault) => (
              <tr
                key={`${fault.kind}|${fault.target}`}
                data-testid="active-fault"
                data-kind={fault.kind}
                data-target={fault.target}
              >
                <td>
                  {faultLabel(fault.kind)} <span className="muted">({fault.kind})</span>
                </td>
                <td>
                  <code>{fault.target}</code>
                </td>
                <td>{formatClock(fault.startedAt, timeFormat, true)}</td>
                <td
                  data-testid="fault-time-left"
                  title={`Ends at ${formatClock(fault.endsAt, timeFormat, true)}`}
                >
                  {timeLeft(fault.endsAt, now)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
