import { useFleet } from '../../stores/fleet.store';
import { terminalHash } from './terminal-url';
import { TerminalIcon } from './terminal-icons';

/**
 * "Open terminal here" (endpoint detail): a shell in that endpoint's context (FLEETDECK_ENDPOINT,
 * its cluster context and namespace), then the terminal view on its tab. A refusal is shown
 * there too, by the terminal view's error notice.
 */
export function OpenTerminalButton({ endpointId }: { endpointId: string }) {
  const newTerminal = useFleet((s) => s.newTerminal);
  const opening = useFleet((s) => s.terminalOpening);
  const open = async () => {
    const session = await newTerminal({ endpointId });
    window.location.hash = terminalHash(session ? session.id : null);
  };
  return (
    <button
      type="button"
      className="button"
      onClick={() => void open()}
      disabled={opening}
      title="A shell with this endpoint's cluster context, namespace and FLEETDECK_ENDPOINT set"
      data-testid="open-terminal-here"
    >
      <TerminalIcon />
      {opening ? 'Opening…' : 'Open terminal here'}
    </button>
  );
}
