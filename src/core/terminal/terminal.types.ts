import type { z } from 'zod';
import type { TerminalSession, terminalOpenArgsSchema } from '../../shared/contract/terminal.schema';

export type TerminalOpenArgs = z.output<typeof terminalOpenArgsSchema>;

/**
 * What other core services (the runbook engine) use of the terminal service. The hosts use the
 * contract commands and the per-session stream instead.
 */
export interface TerminalHost {
  /** Starts a shell in a PTY in the fleet context. `argv` replaces the login shell (runbook runs use bash). */
  open(args: TerminalOpenArgs & { argv?: readonly string[] }, actor: string): TerminalSession;
  get(id: string): TerminalSession | null;
  /** Sends keystrokes / a command line to the PTY. */
  write(id: string, data: string): void;
  /** Every chunk of output as it leaves the PTY (UTF-8 decoded), whether or not a client is attached. */
  onOutput(id: string, listener: (data: string) => void): () => void;
  onExit(id: string, listener: (session: TerminalSession) => void): () => void;
  /** The seq of the last transcript chunk written for the session (-1 before any), to bracket a step. */
  transcriptSeq(id: string): number;
  close(id: string): void;
}
