import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { ErrorNotice } from '../components/ErrorNotice';
import { DisconnectedIcon } from '../components/icons';
import { useFleet } from '../stores/fleet.store';

/** What we say when the socket is down and no command has failed with something more specific. */
function lostConnection(kind: 'desktop' | 'console' | null): FleetErrorBody {
  if (kind === 'desktop') {
    return {
      code: 'unavailable',
      message: 'The Fleetdeck core stopped answering this window.',
      hint: 'Quit Fleetdeck and start it again; the log in the data directory says what happened.',
    };
  }
  return {
    code: 'unavailable',
    message: `The live connection to the Fleetdeck console at ${window.location.host} is down; retrying automatically.`,
    where: '/api/v1/events',
    hint: 'Check that the console is still running (start it with "npm run console"). If it was restarted, open the new URL it printed: each launch has a new token.',
  };
}

/**
 * The error state for "the core cannot be reached". Before anything has loaded it replaces the
 * view (there is nothing to show); afterwards it is a banner above the last data, which the
 * status bar marks offline.
 */
export function CoreUnreachable() {
  const info = useFleet((s) => s.info);
  const infoError = useFleet((s) => s.infoError);
  const connection = useFleet((s) => s.connection);
  const loadInfo = useFleet((s) => s.loadInfo);
  const loadSettings = useFleet((s) => s.loadSettings);

  const retry = () => {
    void loadInfo();
    void loadSettings();
  };

  if (!info && infoError) {
    const expired = infoError.code === 'unauthorized' || infoError.code === 'forbidden';
    return (
      <div className="unreachable" data-testid="core-unreachable" data-code={infoError.code}>
        <DisconnectedIcon size={32} className="unreachable-icon" />
        <h1 className="unreachable-title">
          {expired ? 'This page is not signed in to the running console' : 'Fleetdeck cannot reach its core'}
        </h1>
        {expired ? (
          <p className="unreachable-lead">
            The console answered, but refused this page's session. Each console start makes a new token, so a
            page opened before a restart is locked out: open the URL the console printed most recently.
          </p>
        ) : null}
        <ErrorNotice title="Loading the app information failed" error={infoError}>
          <button type="button" className="button button-primary" onClick={retry} data-testid="core-retry">
            Try again
          </button>
        </ErrorNotice>
      </div>
    );
  }
  if (connection === 'disconnected') {
    return (
      <div className="banner" data-testid="core-disconnected">
        <ErrorNotice
          title="Disconnected: what you see is the last known state, not live"
          error={lostConnection(info?.host ?? null)}
        >
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Reload page
          </button>
        </ErrorNotice>
      </div>
    );
  }
  return null;
}
