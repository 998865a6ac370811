import { useEffect, useState } from 'react';
import '../../styles/endpoints.css';
import '../../styles/runbooks.css';
import '../../styles/runbook-runs.css';
import '../../styles/rollouts.css';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { formatClock, formatDate } from '../../format/display-format';
import { selectTheme, useFleet } from '../../stores/fleet.store';
import { useLocationHash } from '../endpoints/use-address';
import { useNow } from '../sources/use-now';
import { ViewHeader } from '../ViewHeader';
import { ComparisonTable } from './ComparisonTable';
import { ConfirmControlDialog } from './ConfirmControlDialog';
import { DecisionLog } from './DecisionLog';
import { RolloutStateBadge, VerdictBadge, WeightBar } from './RolloutBadges';
import { RolloutCharts } from './RolloutCharts';
import { RolloutControls } from './RolloutControls';
import { RolloutTimeline } from './RolloutTimeline';
import { isActive, rolloutStateWords, strategyWords } from './rollout-words';
import { rolloutIdOf } from './rollouts-url';

/** `#/rollouts/<id>`: one rollout, followed live through rollouts.changed. */
export function RolloutView() {
  const [hash] = useLocationHash();
  const id = rolloutIdOf(hash) ?? '';
  // Keyed by rollout: an open confirmation belongs to the rollout it was asked about.
  return <RolloutPage key={id} id={id} />;
}

function RolloutPage({ id }: { id: string }) {
  const openRollout = useFleet((s) => s.openRollout);
  const rollout = useFleet((s) => (s.rolloutId === id ? s.rollout : null));
  const state = useFleet((s) => s.rolloutState);
  const error = useFleet((s) => s.rolloutError);
  const actionError = useFleet((s) => s.rolloutActionError);
  const pending = useFleet((s) => s.rolloutPending);
  const control = useFleet((s) => s.controlRollout);
  const endpoint = useFleet((s) => (rollout ? s.endpoints.get(rollout.endpointId) : undefined));
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  const theme = useFleet(selectTheme);
  const [asking, setAsking] = useState<'promote' | 'abort' | null>(null);
  const now = useNow(5000, rollout !== null && isActive(rollout.state));

  useEffect(() => (id ? openRollout(id) : undefined), [id, openRollout]);

  if (!rollout) {
    return (
      <section className="view" data-testid={state === 'not-found' ? 'rollout-not-found' : 'rollout-loading'}>
        <p className="breadcrumb">
          <a className="link" href="#/rollouts">
            Rollouts
          </a>
        </p>
        <ViewHeader title={state === 'not-found' ? 'Rollout not found' : 'Rollout'} />
        {error ? (
          <ErrorNotice title={`Could not open rollout ${id}`} error={error} testId="rollout-error" />
        ) : (
          <p className="panel-loading">
            <SpinnerIcon className="spin" /> Loading…
          </p>
        )}
      </section>
    );
  }

  const words = rolloutStateWords[rollout.state];
  const lastVerdict = rollout.lastVerdict;
  return (
    <section
      className="view view-wide rollouts ro-detail"
      data-testid="view-rollout"
      data-rollout-id={rollout.id}
      data-state={rollout.state}
      data-weight={rollout.weight}
    >
      <p className="breadcrumb">
        <a className="link" href="#/rollouts">
          Rollouts
        </a>{' '}
        ›{' '}
        <a className="link" href={`#/endpoints/${encodeURIComponent(rollout.endpointId)}`}>
          {endpoint?.name ?? rollout.endpointId}
        </a>
      </p>
      <ViewHeader
        title={rollout.name}
        subtitle={
          <span className="rb-detail-sub">
            <RolloutStateBadge state={rollout.state} testId="rollout-state" />
            <span className="muted">
              {strategyWords[rollout.strategy]} · {rollout.model} · {rollout.cluster} · by {rollout.actor} ·
              started {formatDate(rollout.startedAt)} {formatClock(rollout.startedAt, timeFormat)}
              {rollout.endedAt ? ` · ended ${formatClock(rollout.endedAt, timeFormat)}` : ''}
            </span>
          </span>
        }
        actions={
          <RolloutControls
            state={rollout.state}
            pending={pending}
            onAction={(action) => void control(action)}
            onAsk={setAsking}
          />
        }
      />
      <div className="ro-summary panel" data-testid="rollout-summary">
        <div className="ro-summary-item">
          <span className="facet-label">Stable</span>
          <strong>{rollout.stableVersion}</strong>
          <span className="muted">{100 - rollout.weight} % of traffic</span>
        </div>
        <div className="ro-summary-item ro-summary-weight">
          <span className="facet-label">Candidate</span>
          <strong>{rollout.candidateVersion}</strong>
          <WeightBar weight={rollout.weight} testId="rollout-weight" />
        </div>
        <div className="ro-summary-item">
          <span className="facet-label">Step</span>
          <strong>
            {rollout.stepCount > 0
              ? `${Math.min(rollout.stepIndex + 1, rollout.stepCount)} of ${rollout.stepCount}`
              : '—'}
          </strong>
        </div>
        <div className="ro-summary-item">
          <span className="facet-label">Last analysis</span>
          <VerdictBadge verdict={lastVerdict} />
        </div>
      </div>
      {rollout.message ? (
        <p className={`rb-run-message tone-${words.tone}`} role="status" data-testid="rollout-message">
          {rollout.message}
        </p>
      ) : null}
      {actionError ? (
        <ErrorNotice title="That did not work" error={actionError} testId="rollout-action-error" />
      ) : null}
      {error && state === 'ready' ? (
        <ErrorNotice title="Showing the last known state" error={error} testId="rollout-refresh-error" />
      ) : null}
      <RolloutTimeline rollout={rollout} now={now} theme={theme} />
      {rollout.comparison ? <ComparisonTable comparison={rollout.comparison} /> : null}
      <RolloutCharts rollout={rollout} />
      <div className="ro-lower">
        <DecisionLog rollout={rollout} timeFormat={timeFormat} />
        <div className="panel ro-plan" data-testid="rollout-plan">
          <h2 className="panel-title">Plan</h2>
          <pre className="ro-plan-text">
            <code>{rollout.planText}</code>
          </pre>
        </div>
      </div>
      {asking ? (
        <ConfirmControlDialog
          action={asking}
          pending={pending === asking}
          onConfirm={(reason) => {
            setAsking(null);
            void control(asking, reason);
          }}
          onClose={() => setAsking(null)}
        />
      ) : null}
    </section>
  );
}
