import type { FleetService } from '../fleet/fleet.service';
import type { TerminalHost } from '../terminal/terminal.types';
import { waitForMetric } from './metric-check';
import type { StoredStep } from './run.store';
import type { TerminalDriver } from './step-exec';
import { evaluateCheck, failureDetail } from './step-verdict';

export interface CommandStepContext {
  driver: TerminalDriver;
  terminals: Pick<TerminalHost, 'transcriptSeq'>;
  fleet: Pick<FleetService, 'endpoint'>;
  endpointId: string | null;
  now: () => number;
  metricPollMs?: number;
  /** Aborts the command (Ctrl-C) or the metric wait. */
  signal: AbortSignal;
  /** Why `signal` fired, for the step's record ("Stopped by ana (abort)"). */
  stoppedBecause: () => string;
  /** Persists the step as it changes (running, checking, its verdict). */
  changed: (step: StoredStep) => void;
  /** The engine is shutting down: record nothing more. */
  closing: () => boolean;
}

/**
 * Runs one command step in the run's terminal and evaluates its check, filling in the step's
 * record as it goes: rendered command, exit code, output, transcript range, check verdict.
 * Resolves to the verdict, or to 'terminal_exited' (nothing recorded beyond the interruption)
 * when the shell went away or the engine is closing.
 */
export async function runCommandStep(
  step: StoredStep,
  c: CommandStepContext,
): Promise<boolean | 'terminal_exited'> {
  const { driver } = c;
  const seq = c.terminals.transcriptSeq(driver.sessionId);
  Object.assign(step, {
    state: 'running',
    startedAt: c.now(),
    endedAt: null,
    exitCode: null,
    check: null,
    output: '',
    transcript: { sessionId: driver.sessionId, fromSeq: seq + 1, toSeq: seq },
  } satisfies Partial<StoredStep>);
  c.changed(step);

  // An exit code or output check may give the command less time than the step's timeout.
  const limit =
    step.checkDef && step.checkDef.kind !== 'metric'
      ? Math.min(step.timeoutSeconds, step.checkDef.timeoutSeconds)
      : step.timeoutSeconds;
  const result = await driver.exec(step.command!, { timeoutMs: limit * 1000, signal: c.signal });
  if (c.closing()) return 'terminal_exited';
  step.exitCode = result.exitCode;
  step.output = result.output;
  step.transcript = {
    sessionId: driver.sessionId,
    fromSeq: seq + 1,
    toSeq: c.terminals.transcriptSeq(driver.sessionId),
  };
  step.endedAt = c.now();
  if (result.outcome === 'terminal_exited') {
    step.state = 'interrupted';
    c.changed(step);
    return 'terminal_exited';
  }
  if (result.outcome !== 'exited') {
    step.state = 'failed';
    step.check = {
      ok: false,
      detail:
        result.outcome === 'timed_out'
          ? `Timed out after ${limit}s; Ctrl-C was sent.`
          : `${c.stoppedBecause()}; Ctrl-C was sent.`,
    };
    c.changed(step);
    return false;
  }

  const failure = failureDetail(step, result.exitCode, result.output);
  if (failure !== null) step.check = { ok: false, detail: failure };
  else if (step.checkDef?.kind !== 'metric') step.check = evaluateCheck(step, result.exitCode, result.output);
  else {
    step.state = 'checking';
    c.changed(step);
    step.check = await waitForMetric({
      fleet: c.fleet,
      endpointId: c.endpointId,
      check: step.checkDef,
      now: c.now,
      ...(c.metricPollMs ? { pollMs: c.metricPollMs } : {}),
      signal: c.signal,
    });
    if (c.closing()) return 'terminal_exited';
    step.endedAt = c.now();
  }
  step.state = step.check.ok ? 'succeeded' : 'failed';
  c.changed(step);
  return step.check.ok;
}
