import type { HealingActionRecord } from '../../../shared/contract/index';
import { formatClock, formatDate } from '../../format/display-format';
import { useFleet } from '../../stores/fleet.store';
import { incidentHash } from '../../stores/incidents.slice';
import { rolloutHash } from '../../stores/rollouts.slice';
import { runHash } from '../../stores/runbooks.slice';
import { outcomeWords } from './healing-words';

/** What the policies did or held back, newest first, each with why, its trigger and where to look. */
export function ActionLog() {
  const actions = useFleet((s) => s.healingActions);
  const policies = useFleet((s) => s.healingPolicies);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  const titleOf = (id: string) => policies?.find((p) => p.id === id)?.title ?? id;
  return (
    <section className="panel heal-actions" aria-labelledby="heal-actions-title">
      <h2 className="panel-title" id="heal-actions-title">
        Recent actions
      </h2>
      {!actions || actions.length === 0 ? (
        <p className="heal-note" data-testid="actions-empty">
          No policy has acted or proposed anything yet.
        </p>
      ) : (
        <table className="rb-history heal-table" data-testid="action-log">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Policy</th>
              <th scope="col">Endpoint</th>
              <th scope="col">Outcome</th>
              <th scope="col">Why</th>
              <th scope="col">Trigger</th>
              <th scope="col">Links</th>
            </tr>
          </thead>
          <tbody>
            {actions.map((a: HealingActionRecord) => (
              <tr key={a.id} data-testid="action-row" data-outcome={a.outcome} data-result={a.result ?? ''}>
                <td className="heal-when">
                  {formatDate(a.at)} {formatClock(a.at, timeFormat, true)}
                </td>
                <td>{titleOf(a.policyId)}</td>
                <td>
                  <a className="link" href={`#/endpoints/${encodeURIComponent(a.endpointId)}`}>
                    {a.endpointId}
                  </a>
                </td>
                <td>
                  <span
                    className={`heal-outcome heal-outcome-${a.outcome} heal-result-${a.result ?? 'none'}`}
                  >
                    {outcomeWords(a)}
                  </span>
                  {a.message ? <span className="heal-muted heal-message">{a.message}</span> : null}
                </td>
                <td>{a.why}</td>
                <td>
                  <code>{a.trigger}</code>
                </td>
                <td className="heal-links">
                  {a.runId ? (
                    <a className="link" href={runHash(a.runId)} data-testid="action-run">
                      Run
                    </a>
                  ) : null}
                  {a.rolloutId ? (
                    <a className="link" href={rolloutHash(a.rolloutId)}>
                      Rollout
                    </a>
                  ) : null}
                  {a.incidentId ? (
                    <a className="link" href={incidentHash(a.incidentId)} data-testid="action-incident">
                      {a.incidentId}
                    </a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
