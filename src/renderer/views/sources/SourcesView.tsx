import { useEffect, useMemo } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { CheckIcon, SpinnerIcon } from '../../components/icons';
import { routeHash, type ViewId } from '../../routing/routes';
import { useFleet } from '../../stores/fleet.store';
import '../../styles/sources.css';
import { ViewHeader } from '../ViewHeader';
import { RemoveSourceDialog } from './RemoveSourceDialog';
import { PlusIcon } from './source-icons';
import { SourceRow } from './SourceRow';
import { useNow } from './use-now';

/** Settings › Sources (› Add source): where these views sit, and the way back. */
export function SourcesBreadcrumb({ trail }: { trail: ViewId[] }) {
  const names: Partial<Record<ViewId, string>> = {
    settings: 'Settings',
    sources: 'Sources',
    'source-new': 'Add source',
  };
  return (
    <nav className="breadcrumb" aria-label="Breadcrumb">
      {trail.map((view, i) =>
        i < trail.length - 1 ? (
          <span key={view}>
            <a className="link" href={routeHash(view)}>
              {names[view]}
            </a>
            <span aria-hidden="true"> / </span>
          </span>
        ) : (
          <span key={view} aria-current="page">
            {names[view]}
          </span>
        ),
      )}
    </nav>
  );
}

function EmptySources() {
  return (
    <div className="panel empty-state" data-testid="sources-empty">
      <h2 className="empty-title">No sources yet</h2>
      <p>
        Fleetdeck knows the fleet through sources. Add a Kubernetes cluster from your kubeconfig, a
        Prometheus-compatible backend, an OpenAI-compatible API, or a direct scrape of model-server pods.
      </p>
      <p className="muted">
        Scripts can do the same through the <code>sources.add</code> command. Until a source is added,
        Fleetdeck starts with its demo fleet, unless it was started with <code>--no-demo</code>.
      </p>
      <p>
        <a className="button button-primary" href={routeHash('source-new')} data-testid="sources-empty-add">
          <PlusIcon />
          <span>Add a source</span>
        </a>
      </p>
    </div>
  );
}

/** Every configured source, live from sources.status (issue 3 §2). */
export function SourcesView() {
  const sources = useFleet((s) => s.sources);
  const loaded = useFleet((s) => s.sourcesLoaded);
  const error = useFleet((s) => s.sourcesError);
  const lastAddedId = useFleet((s) => s.lastAddedId);
  const lastRemoved = useFleet((s) => s.lastRemoved);
  const watchSources = useFleet((s) => s.watchSources);
  const loadSources = useFleet((s) => s.loadSources);
  useEffect(() => watchSources(), [watchSources]);

  // A clock only while something counts down to a retry.
  const counting = sources.some((s) => s.status.retryAt !== null && s.status.state !== 'ok');
  const now = useNow(1000, counting);

  const counts = useMemo(() => {
    const ok = sources.filter((s) => s.status.state === 'ok').length;
    const failing = sources.filter((s) => s.status.state === 'error' || s.status.state === 'degraded').length;
    return { ok, failing, total: sources.length };
  }, [sources]);

  return (
    <section className="view" data-testid="view-sources">
      <SourcesBreadcrumb trail={['settings', 'sources']} />
      <ViewHeader
        title="Sources"
        subtitle={
          loaded && counts.total === 0
            ? 'No sources configured.'
            : loaded
              ? `${counts.total} ${counts.total === 1 ? 'source' : 'sources'} · ${counts.ok} OK · ${counts.failing} failing`
              : 'Where Fleetdeck reads the fleet from.'
        }
        actions={
          <a className="button button-primary" href={routeHash('source-new')} data-testid="sources-add">
            <PlusIcon />
            <span>Add source</span>
          </a>
        }
      />
      <p className="sr-status" role="status" data-testid="sources-announce">
        {lastRemoved ? (
          <span className="saved">
            <CheckIcon /> Removed “{lastRemoved.name}”
            {lastRemoved.secretsDeleted.length > 0
              ? ` and its secret ${lastRemoved.secretsDeleted.join(', ')}`
              : ''}
            .
          </span>
        ) : null}
      </p>
      {lastRemoved && lastRemoved.secretErrors.length > 0 ? (
        <ErrorNotice
          title="A stored secret was not deleted"
          error={{ code: 'internal', message: lastRemoved.secretErrors.join('; '), where: 'secrets.delete' }}
        />
      ) : null}
      {error ? (
        <ErrorNotice title="Sources could not be loaded" error={error} testId="sources-error">
          <button type="button" className="button" onClick={() => void loadSources()}>
            Try again
          </button>
        </ErrorNotice>
      ) : null}
      {!loaded && !error ? (
        <div className="panel panel-loading" aria-busy="true">
          <SpinnerIcon /> <span>Asking the core for its sources…</span>
        </div>
      ) : loaded && sources.length === 0 ? (
        <EmptySources />
      ) : loaded ? (
        <ul className="source-list" aria-label="Sources" data-testid="source-list">
          {sources.map((source) => (
            <SourceRow key={source.id} source={source} now={now} highlight={source.id === lastAddedId} />
          ))}
        </ul>
      ) : null}
      <RemoveSourceDialog />
    </section>
  );
}
