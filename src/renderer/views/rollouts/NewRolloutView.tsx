import { useEffect, useMemo, useRef, useState } from 'react';
import '../../styles/endpoints.css';
import '../../styles/runbooks.css';
import '../../styles/rollouts.css';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { useCheckedText } from '../../components/use-checked-text';
import { useFleet } from '../../stores/fleet.store';
import { useLocationHash } from '../endpoints/use-address';
import { ViewHeader } from '../ViewHeader';
import { ConfirmStartDialog } from './ConfirmStartDialog';
import { goToLine, PlanEditor, PlanProblems } from './PlanEditor';
import { strategyWords } from './rollout-words';
import { newRolloutHash, parseNewRollout, strategies } from './rollouts-url';

/**
 * `#/rollouts/new?endpoint=<id>`: "roll out version X of this endpoint". The core writes the
 * plan (rollouts.generate); the person reviews and edits it here, the core checks every edit
 * (rollouts.validate) and each problem names its line and field; Start asks once more.
 */
export function NewRolloutView() {
  const [hash, writeHash] = useLocationHash();
  const params = parseNewRollout(hash);
  const endpoints = useFleet((s) => s.endpoints);
  const openDetail = useFleet((s) => s.openDetail);
  const detail = useFleet((s) => (s.detailId === params.endpoint ? s.detail : null));
  const generate = useFleet((s) => s.generatePlan);
  const generating = useFleet((s) => s.planGeneratePending);
  const generateError = useFleet((s) => s.planGenerateError);
  const validate = useFleet((s) => s.validatePlan);
  const check = useFleet((s) => s.planCheck);
  const checking = useFleet((s) => s.planCheckPending);
  const checkError = useFleet((s) => s.planCheckError);
  const clearPlan = useFleet((s) => s.clearPlan);
  const start = useFleet((s) => s.startRollout);
  const starting = useFleet((s) => s.rolloutStartPending);
  const startError = useFleet((s) => s.rolloutStartError);
  const [text, setText] = useState('');
  const [asking, setAsking] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    clearPlan();
    return clearPlan;
  }, [clearPlan]);
  useEffect(() => (params.endpoint ? openDetail(params.endpoint) : undefined), [params.endpoint, openDetail]);

  const endpoint = detail?.endpoint ?? endpoints.get(params.endpoint) ?? null;
  const siblingVersions = useMemo(
    () => [...new Set((detail?.siblings ?? []).map((s) => s.version))].filter((v) => v !== endpoint?.version),
    [detail, endpoint?.version],
  );
  const version = params.version || siblingVersions[0] || '';
  const endpointChoices = useMemo(
    () => [...endpoints.values()].sort((a, b) => a.name.localeCompare(b.name)),
    [endpoints],
  );

  const current = useCheckedText(text, check, validate);
  const problems = check?.problems ?? [];
  const canStart = current !== null && current.ok && !starting && !checking;

  const write = async () => {
    if (!params.endpoint || !version) return;
    const generated = await generate({
      endpointId: params.endpoint,
      candidateVersion: version,
      strategy: params.strategy,
    });
    if (generated !== null) setText(generated);
  };

  return (
    <section className="view view-wide rollouts ro-new" data-testid="view-rollout-new">
      <p className="breadcrumb">
        <a className="link" href="#/rollouts">
          Rollouts
        </a>
        {endpoint ? (
          <>
            {' '}
            ›{' '}
            <a className="link" href={`#/endpoints/${encodeURIComponent(endpoint.id)}`}>
              {endpoint.name}
            </a>
          </>
        ) : null}
      </p>
      <ViewHeader
        title={endpoint ? `Roll out a new version of ${endpoint.name}` : 'New rollout'}
        subtitle={
          endpoint
            ? `${endpoint.model} ${endpoint.version} serves now · ${endpoint.cluster}`
            : 'Choose the endpoint whose version to replace.'
        }
      />
      <div className="panel ro-choose" data-testid="rollout-choose">
        <label className="ro-field">
          <span className="facet-label">Endpoint</span>
          <select
            className="control"
            value={params.endpoint}
            onChange={(e) => writeHash(newRolloutHash({ endpoint: e.target.value }), 'replace')}
            data-testid="rollout-endpoint"
          >
            <option value="">Choose…</option>
            {endpointChoices.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name} ({e.model} {e.version}, {e.cluster})
              </option>
            ))}
          </select>
        </label>
        <label className="ro-field">
          <span className="facet-label">Candidate version</span>
          <input
            className="control"
            list="rollout-versions"
            value={version}
            placeholder={siblingVersions.length ? undefined : 'e.g. v2'}
            onChange={(e) => writeHash(newRolloutHash({ ...params, version: e.target.value }), 'replace')}
            data-testid="rollout-version"
          />
          <datalist id="rollout-versions">
            {siblingVersions.map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        </label>
        <div className="ro-field">
          <span className="facet-label" id="rollout-strategy-label">
            Strategy
          </span>
          <div className="segmented" role="group" aria-labelledby="rollout-strategy-label">
            {strategies.map((s) => (
              <button
                type="button"
                key={s}
                aria-pressed={params.strategy === s}
                className={params.strategy === s ? 'seg seg-on' : 'seg'}
                onClick={() => writeHash(newRolloutHash({ ...params, version, strategy: s }), 'replace')}
                data-testid={`rollout-strategy-${s}`}
              >
                {strategyWords[s]}
              </button>
            ))}
          </div>
        </div>
        <button
          type="button"
          className="button button-primary"
          disabled={!params.endpoint || !version || generating}
          onClick={() => void write()}
          data-testid="rollout-generate"
        >
          {generating ? <SpinnerIcon className="spin" /> : null}
          {text ? 'Write the plan again (replaces edits)' : 'Write the plan'}
        </button>
        {endpoint && detail && siblingVersions.length === 0 ? (
          <p className="muted ro-hint">
            No other version of this endpoint is deployed beside it yet: type the version to roll out.
          </p>
        ) : null}
      </div>
      {generateError ? (
        <ErrorNotice title="Could not write the plan" error={generateError} testId="rollout-generate-error" />
      ) : null}
      {text || check ? (
        <div className="ro-plan-grid">
          <div>
            <div className="ro-plan-head">
              <h2 className="panel-title">Plan</h2>
              <span
                className="ro-check"
                aria-live="polite"
                data-testid="plan-check"
                data-ok={current?.ok ?? ''}
              >
                {checking || (text && !current) ? (
                  <>
                    <SpinnerIcon className="spin" /> Checking…
                  </>
                ) : current?.ok ? (
                  <span className="tone-ok">✓ Valid plan</span>
                ) : current ? (
                  <span className="tone-error">
                    ✕ {current.problems.length} problem{current.problems.length === 1 ? '' : 's'}
                  </span>
                ) : null}
              </span>
            </div>
            <PlanEditor text={text} problems={problems} onChange={setText} textareaRef={area} />
          </div>
          <div className="ro-plan-side">
            <PlanProblems
              problems={problems}
              onPick={(p) => {
                if (area.current && p.line !== null) goToLine(area.current, p.line, p.column);
              }}
            />
            {checkError ? (
              <ErrorNotice title="Could not check the plan" error={checkError} testId="plan-check-error" />
            ) : null}
            {startError ? (
              <ErrorNotice
                title="The rollout did not start"
                error={startError}
                testId="rollout-start-error"
              />
            ) : null}
            <button
              type="button"
              className="button button-primary"
              disabled={!canStart}
              onClick={() => setAsking(true)}
              data-testid="rollout-start"
            >
              {starting ? <SpinnerIcon className="spin" /> : null}
              Start rollout…
            </button>
            <p className="muted ro-hint">
              The same plan runs from the terminal: save it and use{' '}
              <code>fleetdeck rollout start plan.yaml</code>.
            </p>
          </div>
        </div>
      ) : null}
      {asking && current?.plan ? (
        <ConfirmStartDialog
          plan={current.plan}
          endpointName={endpoint?.name ?? current.plan.endpointId}
          pending={starting}
          onConfirm={() => {
            setAsking(false);
            void start(text);
          }}
          onClose={() => setAsking(false)}
        />
      ) : null}
    </section>
  );
}
