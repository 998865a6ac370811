import { useEffect, useMemo } from 'react';
import { routeHash } from '../../routing/routes';
import { useFleet } from '../../stores/fleet.store';
import '../../styles/sources.css';
import { FaultIcon, PlusIcon, SourcesIcon } from './source-icons';
import { SourceStateBadge } from './SourceStateBadge';

/** The Sources section of Settings: each source's state at a glance, and the ways in. */
export function SourcesSummary() {
  const sources = useFleet((s) => s.sources);
  const loaded = useFleet((s) => s.sourcesLoaded);
  const demoRunning = useFleet((s) => s.demoRunning === true);
  const watchSources = useFleet((s) => s.watchSources);
  useEffect(() => watchSources(), [watchSources]);
  const failing = useMemo(
    () => sources.filter((s) => s.status.state === 'error' || s.status.state === 'degraded').length,
    [sources],
  );

  return (
    <section
      className="panel settings-section"
      aria-labelledby="settings-sources"
      data-testid="settings-sources"
    >
      <div className="panel-head">
        <h2 className="panel-title" id="settings-sources">
          Sources
        </h2>
        <span className="muted">
          {loaded ? `${sources.length} configured${failing > 0 ? ` · ${failing} failing` : ''}` : 'Loading…'}
        </span>
      </div>
      <p className="muted">
        Kubernetes clusters, Prometheus-compatible backends, OpenAI-compatible APIs and direct scrapes: where
        Fleetdeck reads the fleet from.
      </p>
      {loaded && sources.length > 0 ? (
        <ul className="source-glance">
          {sources.map((s) => (
            <li key={s.id}>
              <SourceStateBadge state={s.status.state} />
              <span>{s.name}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="form-actions">
        <a className="button" href={routeHash('sources')} data-testid="settings-manage-sources">
          <SourcesIcon />
          <span>Manage sources</span>
        </a>
        <a className="button" href={routeHash('source-new')} data-testid="settings-add-source">
          <PlusIcon />
          <span>Add a source</span>
        </a>
        {demoRunning ? (
          <a className="button" href={routeHash('demo')} data-testid="settings-demo-faults">
            <FaultIcon />
            <span>Demo faults</span>
          </a>
        ) : null}
      </div>
    </section>
  );
}
