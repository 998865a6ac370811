import type { RunSummary } from '../../../shared/contract/runbook.schema';
import type { CoreCaller } from '../core-caller';
import type { CollectedTimeline } from './collected-timeline';

const endedRun = new Set(['succeeded', 'failed', 'aborted', 'rolled_back', 'interrupted']);
const endedStep = new Set(['succeeded', 'failed', 'skipped', 'rolled_back', 'interrupted']);
const words: Record<string, string> = { rolled_back: 'rolled back' };

/**
 * Runbook runs on affected endpoints (from `runs.changed`): started, each step as it ends with
 * its transcript range (so the incident links to exactly what the terminal showed), and the end.
 * A run's changes are handled one after the other, so its entries keep the run's order.
 */
export function createRunCollector(o: {
  timeline: CollectedTimeline;
  call: CoreCaller;
  onError: (what: string, error: unknown) => void;
}) {
  const chains = new Map<string, Promise<void>>();

  const handle = async (r: RunSummary) => {
    const incidents = r.endpointId ? o.timeline.activeFor(r.endpointId) : [];
    if (incidents.length === 0) return;
    const ref = { runId: r.id, ...(r.terminalId ? { sessionId: r.terminalId } : {}) };
    for (const i of incidents)
      o.timeline.write(i.id, `run:${r.id}:started`, {
        at: r.startedAt,
        kind: 'run',
        actor: r.actor,
        endpointId: r.endpointId,
        summary: `${r.actor} started runbook "${r.runbookTitle}"${r.dryRun ? ' as a dry run' : ''}`,
        detail: { runbookId: r.runbookId, state: r.state, steps: r.stepCount },
        ref,
      });
    const ended = endedRun.has(r.state);
    if (r.currentStep === 0 && !ended) return;
    const run = await o.call('runs.get', { id: r.id }, 'fleetdeck');
    for (const step of run.steps) {
      if (step.endedAt === null || !endedStep.has(step.state)) continue;
      // The check says it in words ("Exited with 0, as expected."); the exit code when there is none.
      const fact = step.check?.detail ?? (step.exitCode !== null ? `exit ${step.exitCode}` : null);
      for (const i of incidents)
        o.timeline.write(i.id, `run:${r.id}:step:${step.idx}:${step.endedAt}`, {
          at: step.endedAt,
          kind: 'run',
          actor: step.confirmedBy ?? r.actor,
          endpointId: r.endpointId,
          summary: `Step ${step.idx + 1} "${step.title}" of "${r.runbookTitle}" ${words[step.state] ?? step.state}${fact ? `: ${fact}` : ''}`,
          detail: { runbookId: r.runbookId, step: step.idx, state: step.state, exitCode: step.exitCode },
          ref: {
            ...ref,
            stepIdx: step.idx,
            ...(step.transcript
              ? {
                  sessionId: step.transcript.sessionId,
                  fromSeq: step.transcript.fromSeq,
                  toSeq: step.transcript.toSeq,
                }
              : {}),
          },
        });
    }
    if (!ended) return;
    for (const i of incidents)
      o.timeline.write(i.id, `run:${r.id}:end:${run.state}`, {
        at: run.endedAt ?? run.updatedAt,
        kind: 'run',
        actor: r.actor,
        endpointId: r.endpointId,
        summary: `Runbook "${r.runbookTitle}" ${words[run.state] ?? run.state}${run.message ? `: ${run.message}` : ''}`,
        detail: { runbookId: r.runbookId, state: run.state },
        ref,
      });
  };

  return {
    changed(r: RunSummary): Promise<void> {
      const next = (chains.get(r.id) ?? Promise.resolve())
        .then(() => handle(r))
        .catch((error: unknown) => o.onError(`run ${r.id}`, error));
      chains.set(r.id, next);
      void next.then(() => {
        if (chains.get(r.id) === next) chains.delete(r.id);
      });
      return next;
    },
    /** Resolves once every change seen so far is written. */
    async idle(): Promise<void> {
      await Promise.all([...chains.values()]);
    },
  };
}
