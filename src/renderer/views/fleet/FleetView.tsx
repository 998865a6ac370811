import { memo, useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Endpoint, FleetSummary } from '../../../shared/contract/index';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FleetStoreContext, selectTheme, useFleet, type FleetStore } from '../../stores/fleet.store';
import '../../styles/fleet.css';
import { ViewHeader } from '../ViewHeader';
import { FleetHeader } from './FleetHeader';
import { ActiveIncidentsStrip } from '../incidents/ActiveIncidentsStrip';
import { FleetMap } from './FleetMap';
import { FleetTopology } from './FleetTopology';
import regionPlaces from '../../../../resources/map/regions.json';
import { incidentsByRegion, placeRegions, type RegionIncidents, type RegionPlace } from './fleet-model';
import { useFollowRows } from '../../stores/use-follow-rows';
import { fleetHash, parseFleetParams, type FleetViewParams } from './fleet-url';

/** Charts redraw at most this often; deltas in between only bump fleetVersion. */
export const CHART_REFRESH_MS = 1000;

const subscribeHash = (notify: () => void) => {
  window.addEventListener('hashchange', notify);
  return () => window.removeEventListener('hashchange', notify);
};

function useFleetParams(): [FleetViewParams, (next: FleetViewParams) => void] {
  const hash = useSyncExternalStore(subscribeHash, () => window.location.hash);
  const params = useMemo(() => parseFleetParams(hash), [hash]);
  // replaceState, not a new history entry per toggle; then tell subscribers ourselves.
  const set = (next: FleetViewParams) => {
    window.history.replaceState(null, '', fleetHash(next));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  };
  return [params, set];
}

/**
 * The endpoints as the charts see them: the store's map, but handed on at most once per
 * CHART_REFRESH_MS, so a burst of deltas costs one chart update, not one per delta.
 *
 * An external store, not state set from an effect: when the last update is older than
 * CHART_REFRESH_MS (a settled fleet ticks every few seconds, so nearly always) the new map is
 * handed on in the same synchronous render the delta itself causes, so a tick costs one render
 * and one frame, not a second render task and a second layout, paint and commit a few ms later
 * (live-tick benchmark, issue 4).
 */
function createThrottledEndpoints(store: FleetStore) {
  let shown = store.getState().endpoints;
  let last = Number.NEGATIVE_INFINITY;
  return {
    get: () => shown,
    subscribe(notify: () => void) {
      let timer: ReturnType<typeof setTimeout> | null = null;
      const show = () => {
        timer = null;
        const newest = store.getState().endpoints;
        if (newest === shown) return;
        shown = newest;
        last = performance.now();
        notify();
      };
      const off = store.subscribe((s) => {
        if (s.endpoints === shown || timer !== null) return;
        const wait = last + CHART_REFRESH_MS - performance.now();
        if (wait <= 0) show();
        else timer = setTimeout(show, wait);
      });
      // Changed between the first render and this subscription: React reads get() again after
      // subscribing, so taking the newest here is enough.
      shown = store.getState().endpoints;
      return () => {
        off();
        if (timer !== null) clearTimeout(timer);
      };
    },
  };
}

function useThrottledEndpoints(): ReadonlyMap<string, Endpoint> {
  const store = useContext(FleetStoreContext);
  if (!store) throw new Error('FleetView needs a <FleetStoreContext> above it (see main.tsx).');
  const [throttled] = useState(() => createThrottledEndpoints(store));
  return useSyncExternalStore(throttled.subscribe, throttled.get);
}

/** Re-rendered by their own store reads only, not by every delta the view re-renders for. */
const FleetTitle = memo(ViewHeader);
const IncidentsStrip = memo(ActiveIncidentsStrip);

/** Marked when the empty state is on screen: the fleet-first-paint bench's baseline. */
export const FLEET_EMPTY_RENDERED_MARK = 'fleetdeck:fleet-empty-rendered';

/**
 * Regions with active incidents, for the map's badges. The answer changes only when an incident
 * or an endpoint's region does: the same Map is kept (so the map does not redraw) until its
 * contents differ.
 */
function useRegionIncidents(): ReadonlyMap<string, RegionIncidents> {
  const endpointIncidents = useFleet((s) => s.endpointIncidents);
  // Records change on a pulse only when something other than their figures did (health, a new
  // endpoint); regions are read from them, so this follows pulses as well as deltas.
  const endpoints = useFleet((s) => s.endpoints);
  const computed = useMemo(
    () => incidentsByRegion(endpointIncidents, (id) => endpoints.get(id)?.region),
    [endpointIncidents, endpoints],
  );
  const key = JSON.stringify([...computed]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on contents, not identity
  return useMemo(() => computed, [key]);
}

/**
 * The map: regions as the core summed them in the summary, so this view needs no endpoint's
 * figures and the window follows only `fleet.pulse` while it is open (live-tick benchmark).
 */
function MapPanel({ summary }: { summary: FleetSummary }) {
  const theme = useFleet(selectTheme);
  const regions = useMemo(
    () => placeRegions(summary.regions, regionPlaces as Record<string, RegionPlace>),
    [summary.regions],
  );
  const incidents = useRegionIncidents();
  return <FleetMap regions={regions} incidents={incidents} theme={theme} />;
}

/** The topology sizes every endpoint by its own traffic or spend: it follows their figures. */
function TopologyPanel({ size }: { size: FleetViewParams['size'] }) {
  useFollowRows();
  const endpoints = useThrottledEndpoints();
  const theme = useFleet(selectTheme);
  return <FleetTopology endpoints={endpoints} size={size} theme={theme} />;
}

function EmptyFleet({ sources }: { sources: number }) {
  useEffect(() => {
    if (performance.getEntriesByName(FLEET_EMPTY_RENDERED_MARK).length === 0)
      performance.mark(FLEET_EMPTY_RENDERED_MARK);
  }, []);
  return (
    <div className="fleet-empty" data-testid="fleet-empty">
      <h2>No endpoints yet</h2>
      {sources === 0 ? (
        <p>
          Fleetdeck has no sources to read a fleet from. Add a Kubernetes cluster, a Prometheus-compatible
          backend or an OpenAI-compatible endpoint, and its model endpoints show up here.
        </p>
      ) : (
        <p>
          {sources === 1 ? 'The source is' : `${sources} sources are`} connected but report no model endpoints
          yet. Check the source settings, or add another source.
        </p>
      )}
      <p>
        <a className="button button-primary" href="#/settings/sources/new" data-testid="fleet-add-source">
          Add a source
        </a>{' '}
        <a className="button" href="#/settings/sources">
          Manage sources
        </a>
      </p>
      <p className="fleet-note">
        Just looking? Start the console without <code>--no-demo</code> to get the built-in demo fleet.
      </p>
    </div>
  );
}

function FleetPanels({
  params,
  setParams,
  summary,
}: {
  params: FleetViewParams;
  setParams: (p: FleetViewParams) => void;
  summary: FleetSummary;
}) {
  return (
    <>
      <div className="fleet-toolbar">
        <div className="fleet-seg" role="tablist" aria-label="Fleet view">
          {(['map', 'topology'] as const).map((panel) => (
            <button
              key={panel}
              type="button"
              role="tab"
              aria-selected={params.panel === panel}
              aria-controls="fleet-panel"
              data-testid={`fleet-tab-${panel}`}
              onClick={() => setParams({ ...params, panel })}
            >
              {panel === 'map' ? 'Map' : 'Topology'}
            </button>
          ))}
        </div>
        {params.panel === 'topology' ? (
          <div className="fleet-seg" role="radiogroup" aria-label="Size by">
            <span className="fleet-seg-label">Size by</span>
            {(['traffic', 'spend'] as const).map((size) => (
              <button
                key={size}
                type="button"
                role="radio"
                aria-checked={params.size === size}
                data-testid={`fleet-size-${size}`}
                onClick={() => setParams({ ...params, size })}
              >
                {size === 'traffic' ? 'Traffic' : 'Spend'}
              </button>
            ))}
          </div>
        ) : null}
      </div>
      <div id="fleet-panel" role="tabpanel" className="fleet-panel">
        {params.panel === 'map' ? <MapPanel summary={summary} /> : <TopologyPanel size={params.size} />}
      </div>
    </>
  );
}

/** `#/fleet`: the whole fleet at a glance, then a click into a region or an endpoint. */
export function FleetView() {
  const loaded = useFleet((s) => s.fleetLoaded);
  const error = useFleet((s) => s.fleetError);
  const summary = useFleet((s) => s.summary);
  const count = useFleet((s) => s.endpoints.size);
  const loadFleet = useFleet((s) => s.loadFleet);
  const [params, setParams] = useFleetParams();

  let body;
  if (!loaded && error) {
    body = (
      <ErrorNotice title="Could not load the fleet" error={error} testId="fleet-error">
        <button type="button" className="button" onClick={() => void loadFleet()}>
          Try again
        </button>
      </ErrorNotice>
    );
  } else if (!loaded || !summary) {
    body = (
      <p className="fleet-loading" data-testid="fleet-loading" aria-live="polite">
        Loading the fleet…
      </p>
    );
  } else if (count === 0) {
    body = <EmptyFleet sources={summary.sources.total} />;
  } else {
    body = (
      <>
        <FleetHeader summary={summary} />
        <IncidentsStrip />
        {error ? (
          <ErrorNotice title="Could not refresh the fleet; showing the last figures" error={error}>
            <button type="button" className="button" onClick={() => void loadFleet()}>
              Try again
            </button>
          </ErrorNotice>
        ) : null}
        <FleetPanels params={params} setParams={setParams} summary={summary} />
      </>
    );
  }
  return (
    <div className="view fleet-view" data-testid="fleet-view" data-panel={params.panel}>
      <FleetTitle
        title="Fleet"
        subtitle="Every endpoint by region and by topology; press Ctrl+K to jump anywhere"
      />
      {body}
    </div>
  );
}
