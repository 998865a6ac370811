import type { ConnectionStatus } from './terminal-connection';

/**
 * Under the terminal, only when something is not normal: connecting, reconnecting (with the
 * reason the stream ended), the process's exit with a Restart, or why attaching failed.
 */
export function TerminalStatusLine({
  status,
  restarting,
  onRestart,
  onReconnect,
}: {
  status: ConnectionStatus;
  restarting: boolean;
  onRestart: () => void;
  onReconnect: () => void;
}) {
  switch (status.kind) {
    case 'live':
      return null;
    case 'connecting':
      return (
        <div className="terminal-status" role="status" data-testid="terminal-status">
          Connecting to the terminal…
        </div>
      );
    case 'reconnecting':
      return (
        <div className="terminal-status terminal-status-warning" role="status" data-testid="terminal-status">
          <span>
            Disconnected: {status.reason || 'the stream ended'}.{' '}
            {status.auto ? 'Reconnecting…' : 'Another window has this terminal now.'}
          </span>
          <button type="button" className="button" onClick={onReconnect} data-testid="terminal-reconnect">
            {status.auto ? 'Reconnect now' : 'Use it here'}
          </button>
        </div>
      );
    case 'exited':
      return (
        <div className="terminal-status" role="status" data-testid="terminal-status">
          <span data-testid="terminal-exit">
            [process exited with{' '}
            {status.code !== null ? `code ${status.code}` : `signal ${status.signal ?? 'unknown'}`}]
          </span>
          <button
            type="button"
            className="button button-primary"
            onClick={onRestart}
            disabled={restarting}
            data-testid="terminal-restart"
          >
            {restarting ? 'Restarting…' : 'Restart'}
          </button>
        </div>
      );
    case 'gone':
    case 'failed':
      return (
        <div className="terminal-status terminal-status-error" role="alert" data-testid="terminal-status">
          <span>
            {status.kind === 'gone' ? 'This terminal session no longer exists.' : 'Could not attach: '}
            {status.kind === 'failed' ? status.error.message : null}
            {status.error.hint ? ` ${status.error.hint}` : null}
            {status.kind === 'failed' && status.auto ? ' Retrying…' : null}
          </span>
          {status.kind === 'failed' ? (
            <button type="button" className="button" onClick={onReconnect} data-testid="terminal-reconnect">
              Retry now
            </button>
          ) : null}
        </div>
      );
  }
}
