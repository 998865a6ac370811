import { useEffect, useState } from 'react';
import '../../styles/endpoints.css';
import '../../styles/runbooks.css';
import '../../styles/runbook-runs.css';
import '../../styles/rollouts.css';
import '../../styles/healing.css';
import type { HealingPolicy } from '../../../shared/contract/index';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { useFleet } from '../../stores/fleet.store';
import { ViewHeader } from '../ViewHeader';
import { ActionLog } from './ActionLog';
import { FreezePanel } from './FreezePanel';
import { PolicyEditorPanel } from './PolicyEditorPanel';
import { PolicyList } from './PolicyList';
import { freshPolicyId, starterPolicy } from './policy-template';

/** Freeze windows start and end by the clock; this keeps "Frozen until" and "left" honest. */
function useClock(): [number, () => void] {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return [now, () => setNow(Date.now())];
}

/**
 * `#/incidents/policies`: self-healing with guard rails (issue 7). Policies with their on/off,
 * mode, clusters and limits; a YAML editor the core checks as it is typed; change freezes; and
 * what the policies did or proposed, linked to the run and the incident.
 */
export function HealingView() {
  const watch = useFleet((s) => s.watchHealing);
  const state = useFleet((s) => s.healingState);
  const error = useFleet((s) => s.healingError);
  const actionError = useFleet((s) => s.healingActionError);
  const policies = useFleet((s) => s.healingPolicies);
  const reload = useFleet((s) => s.loadHealing);
  const [editor, setEditor] = useState<{ text: string; editing: HealingPolicy | null; key: number } | null>(
    null,
  );
  const [now, tick] = useClock();

  useEffect(() => watch(), [watch]);

  const startNew = () =>
    setEditor({
      text: starterPolicy(freshPolicyId(new Set((policies ?? []).map((p) => p.id)))),
      editing: null,
      key: Date.now(),
    });

  return (
    <section className="view view-wide healing" data-testid="view-healing" data-state={state}>
      <p className="breadcrumb">
        <a className="link" href="#/incidents">
          Incidents
        </a>{' '}
        › Self-healing
      </p>
      <ViewHeader
        title="Self-healing policies"
        subtitle="When a signal holds on matching endpoints, run a runbook, abort a rollout or shift traffic — only in the clusters listed, within hourly limits, never during a change freeze."
        actions={
          <button type="button" className="button button-primary" onClick={startNew} data-testid="policy-new">
            New policy
          </button>
        }
      />
      {error ? (
        <ErrorNotice title="Self-healing could not be read" error={error} testId="healing-error">
          <button type="button" className="button" onClick={() => void reload()}>
            Try again
          </button>
        </ErrorNotice>
      ) : null}
      {actionError ? (
        <ErrorNotice title="The policy was not changed" error={actionError} testId="policy-action-error" />
      ) : null}
      <FreezePanel now={now} onChanged={tick} />
      {editor ? (
        <PolicyEditorPanel
          key={editor.key}
          initialText={editor.text}
          editing={editor.editing}
          onDone={() => setEditor(null)}
        />
      ) : null}
      <section className="panel heal-list" aria-labelledby="heal-list-title">
        <h2 className="panel-title" id="heal-list-title">
          Policies
        </h2>
        {state === 'loading' ? (
          <p className="heal-note">
            <SpinnerIcon className="spin" /> Reading policies…
          </p>
        ) : (
          <PolicyList onEdit={(p) => setEditor({ text: p.text, editing: p, key: Date.now() })} />
        )}
      </section>
      <ActionLog />
    </section>
  );
}
