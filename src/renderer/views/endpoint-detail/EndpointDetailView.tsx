import { useEffect, useMemo, useState } from 'react';
import '../../styles/endpoints.css';
import { sloForModel } from '../../../shared/fleet/slo';
import { formatMetric } from '../../../shared/fleet/format';
import { useFleet } from '../../stores/fleet.store';
import { ViewHeader } from '../ViewHeader';
import { EndpointIncidentBadge } from '../incidents/IncidentBadges';
import { OpenIncidentButton } from '../incidents/OpenIncidentButton';
import { EndpointRunbooks } from '../runbooks/EndpointRunbooks';
import { OpenTerminalButton } from '../terminal/OpenTerminalButton';
import { EndpointRolloutBadge, RolloutButton } from '../rollouts/RolloutButton';
import { HealthBadge } from '../endpoints/endpoint-icons';
import { freshnessWords } from '../endpoints/freshness-words';
import { useLocationHash } from '../endpoints/use-address';
import { detailHash, detailIdOf, detailRanges, parseDetailRange, rangeMs } from '../endpoints/url-state';
import { EventsList } from './EventsList';
import { KubernetesDetails } from './KubernetesDetails';
import { LiveChart } from './LiveChart';
import { panelSpecs } from './panels';
import { useFollowRows } from '../../stores/use-follow-rows';

/** How often the live tail is polled (issue 4: live updating, paused while zooming or hovering). */
export const LIVE_POLL_MS = 5_000;

/** `#/endpoints/<id>`: one endpoint in depth. */
export function EndpointDetailView() {
  const [hash, writeHash] = useLocationHash();
  const id = detailIdOf(hash) ?? '';
  const range = parseDetailRange(hash);
  const openDetail = useFleet((s) => s.openDetail);
  const detail = useFleet((s) => (s.detailId === id ? s.detail : null));
  const state = useFleet((s) => (s.detailId === id ? s.detailState : 'loading'));
  const error = useFleet((s) => s.detailError);
  useFollowRows();
  const live = useFleet((s) => s.endpoints.get(id));
  const overrides = useFleet((s) => s.sloOverrides);
  const connection = useFleet((s) => s.connection);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  const [hovering, setHovering] = useState(false);
  const [zoomed, setZoomed] = useState(false);
  const [resumeToken, setResumeToken] = useState(0);
  const [compare, setCompare] = useState(false);

  useEffect(() => (id ? openDetail(id) : undefined), [id, openDetail]);

  const endpoint = live ?? detail?.endpoint ?? null;
  const model = endpoint?.model ?? '';
  const slo = useMemo(() => sloForModel(model, overrides), [model, overrides]);
  const siblings = detail?.siblings;
  // Siblings by id only: a refreshed detail (every 10 s) must not re-create the panels' series.
  const siblingIds = (siblings ?? []).map((s) => s.id).join('|');
  const siblingList = useMemo(
    () => siblings ?? [],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [siblingIds],
  );
  const specs = useMemo(() => panelSpecs(id, slo, siblingList, compare), [id, slo, siblingList, compare]);

  if (!id || state === 'not-found') {
    return (
      <section className="view" data-testid="endpoint-not-found">
        <ViewHeader title="Endpoint not found" />
        <div className="panel panel-narrow">
          <p>
            There is no endpoint <code>{id || '(no id)'}</code> in the fleet. It may have been removed, or its
            source is not configured on this machine.
          </p>
          <p>
            <a className="link" href="#/endpoints" data-testid="endpoint-not-found-back">
              Back to all endpoints
            </a>
          </p>
        </div>
      </section>
    );
  }
  if (!endpoint) {
    return (
      <section className="view" data-testid="endpoint-loading">
        <ViewHeader
          title={id}
          subtitle={state === 'error' && error ? `Could not load: ${error.message}` : 'Loading…'}
        />
      </section>
    );
  }

  const paused = hovering || zoomed;
  const fresh = freshnessWords(endpoint.freshness, connection, timeFormat);
  const resume = () => {
    setZoomed(false);
    setHovering(false);
    setResumeToken((t) => t + 1);
  };
  const group = `endpoint-detail:${id}`;

  return (
    <section
      className="view view-wide endpoint-detail"
      data-testid="view-endpoint-detail"
      data-endpoint-id={id}
    >
      <p className="breadcrumb">
        <a className="link" href="#/endpoints">
          Endpoints
        </a>{' '}
        › {endpoint.model}
      </p>
      <ViewHeader
        title={endpoint.name}
        actions={
          <>
            <OpenTerminalButton endpointId={id} />
            <RolloutButton endpointId={id} />
            <OpenIncidentButton endpointId={id} />
          </>
        }
        subtitle={
          <span className="detail-subtitle">
            <span data-testid="detail-health" data-health={endpoint.health.status}>
              <HealthBadge status={endpoint.health.status} reason={endpoint.health.reason} />
            </span>
            <EndpointIncidentBadge endpointId={id} />
            <EndpointRolloutBadge endpointId={id} />
            <span className={`fresh fresh-${fresh.kind}`} data-testid="detail-freshness">
              {fresh.label}
            </span>
            <span className="muted">
              {endpoint.model} {endpoint.version} · {endpoint.cluster} · {endpoint.region} ·{' '}
              {formatMetric('request_rate', endpoint.metrics.request_rate?.value)}
            </span>
          </span>
        }
      />
      <div className="detail-toolbar">
        <div className="segmented" role="group" aria-label="Time range">
          {detailRanges.map((r) => (
            <button
              type="button"
              key={r}
              aria-pressed={r === range}
              className={r === range ? 'seg seg-on' : 'seg'}
              onClick={() => writeHash(detailHash(id, r), 'push')}
              data-testid={`range-${r}`}
            >
              {r.replace('m', ' m').replace('h', ' h').replace('d', ' d')}
            </button>
          ))}
        </div>
        {siblings && siblings.length > 0 ? (
          <label className="compare-toggle">
            <input
              type="checkbox"
              checked={compare}
              onChange={(e) => setCompare(e.target.checked)}
              data-testid="compare-versions"
            />{' '}
            Overlay other versions ({siblings.map((s) => s.version).join(', ')})
          </label>
        ) : null}
        <div className="live-state" aria-live="polite" data-testid="live-state" data-paused={paused}>
          {paused ? (
            <button type="button" className="button" onClick={resume} data-testid="live-resume">
              ⏸ Paused ({zoomed ? 'zoomed' : 'hovering'}) — resume
            </button>
          ) : (
            <span className="live-dot">● Live, every {LIVE_POLL_MS / 1000} s</span>
          )}
        </div>
      </div>
      {endpoint.missingMetrics.length > 0 ? (
        <p className="missing-metrics" role="note" data-testid="missing-metrics">
          ⚠ Missing source metrics (shown as gaps, not zeros): {endpoint.missingMetrics.join(', ')}
        </p>
      ) : null}
      <EndpointRunbooks endpointId={id} health={endpoint.health.status} />
      <div className="chart-grid">
        {specs.map((p) => (
          <LiveChart
            key={p.key}
            title={p.title}
            testId={p.testId}
            defs={p.defs}
            axes={p.axes}
            thresholds={p.thresholds}
            rangeMs={rangeMs[range]}
            paused={paused}
            pollMs={LIVE_POLL_MS}
            resumeToken={resumeToken}
            group={group}
            onHover={setHovering}
            onZoom={setZoomed}
          />
        ))}
      </div>
      {detail ? (
        <div className="detail-lower">
          <KubernetesDetails detail={detail} />
          <EventsList events={detail.events} timeFormat={timeFormat} />
        </div>
      ) : null}
    </section>
  );
}
