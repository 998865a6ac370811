import { routeHash } from '../routing/routes';
import { ViewHeader } from './ViewHeader';

export function NotFoundView({ path }: { path: string }) {
  return (
    <section className="view" data-testid="view-not-found" aria-labelledby="not-found-title">
      <ViewHeader title="View not found" />
      <div className="panel panel-narrow">
        <p>
          There is no view at <code data-testid="not-found-path">#{path}</code> in this version of Fleetdeck.
        </p>
        <p>
          <a className="link" href={routeHash('about')} data-testid="not-found-back">
            Go to About &amp; health
          </a>
        </p>
      </div>
    </section>
  );
}
