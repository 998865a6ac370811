import { useState } from 'react';
import type { HealingPolicy } from '../../../shared/contract/index';
import { SpinnerIcon } from '../../components/icons';
import { useFleet } from '../../stores/fleet.store';
import { Dialog } from '../sources/Dialog';
import { actionWords, limitWords, matchWords } from './healing-words';

/** Every policy with its guard rails at a glance; on/off acts at once, Delete asks first. */
export function PolicyList({ onEdit }: { onEdit(policy: HealingPolicy): void }) {
  const policies = useFleet((s) => s.healingPolicies);
  const pendingId = useFleet((s) => s.healingPendingId);
  const setEnabled = useFleet((s) => s.setPolicyEnabled);
  const remove = useFleet((s) => s.deletePolicy);
  const [deleting, setDeleting] = useState<HealingPolicy | null>(null);

  if (!policies) return null;
  if (policies.length === 0)
    return (
      <p className="empty" data-testid="policies-empty">
        No policies yet. A policy runs a runbook (or aborts a rollout, or shifts traffic) when a signal holds
        on matching endpoints, within the limits it sets. Start from “New policy”.
      </p>
    );
  return (
    <>
      <table className="rb-history heal-table heal-policies" data-testid="policy-list">
        <thead>
          <tr>
            <th scope="col">On</th>
            <th scope="col">Policy</th>
            <th scope="col">Mode</th>
            <th scope="col">When</th>
            <th scope="col">Then</th>
            <th scope="col">Clusters</th>
            <th scope="col">Limits</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {policies.map((p) => (
            <tr key={p.id} data-testid="policy-row" data-policy={p.id} data-enabled={p.enabled}>
              <td>
                <label className="heal-toggle">
                  <input
                    type="checkbox"
                    role="switch"
                    checked={p.enabled}
                    disabled={pendingId !== null}
                    aria-label={`${p.title}: ${p.enabled ? 'on' : 'off'}`}
                    onChange={(e) => void setEnabled(p.id, e.target.checked)}
                    data-testid="policy-enabled"
                  />
                  {pendingId === p.id ? <SpinnerIcon className="spin" /> : null}
                </label>
              </td>
              <td>
                <span className="heal-title">{p.title}</span>
                <code className="heal-id">{p.id}</code>
              </td>
              <td>
                <span className={`heal-mode heal-mode-${p.mode}`} data-testid="policy-mode">
                  {p.mode === 'run' ? 'Runs' : 'Dry run'}
                </span>
              </td>
              <td>
                <code>{p.when.expression}</code>
              </td>
              <td>{actionWords(p.action)}</td>
              <td data-testid="policy-clusters">{matchWords(p.match)}</td>
              <td>{limitWords(p.limits)}</td>
              <td className="heal-row-actions">
                <button
                  type="button"
                  className="button heal-small"
                  onClick={() => onEdit(p)}
                  data-testid="policy-edit"
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="button heal-small button-danger"
                  disabled={pendingId !== null}
                  onClick={() => setDeleting(p)}
                  data-testid="policy-delete"
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {deleting ? (
        <Dialog
          title={`Delete ${deleting.title}?`}
          onClose={() => setDeleting(null)}
          onSubmit={() => void remove(deleting.id).then((ok) => ok && setDeleting(null))}
          testId="policy-delete-dialog"
          actions={
            <>
              <button type="button" className="button" onClick={() => setDeleting(null)} data-autofocus>
                Cancel
              </button>
              <button type="submit" className="button button-danger" data-testid="policy-delete-confirm">
                {pendingId === deleting.id ? <SpinnerIcon className="spin" /> : null}
                Delete policy
              </button>
            </>
          }
        >
          <p>
            <code>{deleting.id}</code> stops acting at once. What it already did stays in the incident
            timelines and the actions below.
          </p>
        </Dialog>
      ) : null}
    </>
  );
}
