import { randomUUID } from 'node:crypto';
import type { RunState, Runbook } from '../../shared/contract/runbook.schema';
import { FleetError } from '../../shared/errors/fleet-error';
import type { EventBus } from '../events/event-bus';
import type { FleetService } from '../fleet/fleet.service';
import type { Logger } from '../log/logger';
import type { TerminalHost } from '../terminal/terminal.types';
import {
  controlLiveRun,
  planIdleControl,
  type Active,
  type Answer,
  type Ask,
  type RunAction,
} from './run.control';
import { interruptRecord, newRunRecord, stepLabel, toSummary } from './run.record';
import type { RenderedRunbook } from './runbook.render';
import { activeStates, type RunStore, type StoredRun, type StoredStep } from './run.store';
import { TerminalDriver } from './step-exec';
import { runCommandStep } from './step-run';

export type { RunAction } from './run.control';

export interface RunEngineOptions {
  store: RunStore;
  terminals: TerminalHost;
  fleet: Pick<FleetService, 'endpoint'>;
  bus: EventBus;
  log: Logger;
  now: () => number;
  /** How often a metric check reads the fleet (default 1 s). */
  metricPollMs?: number;
  /** How long a new run terminal may take to answer (its PTY starts once the login env is known). */
  terminalReadyMs?: number;
  /**
   * After a run succeeds with nobody viewing its terminal, how long a view has to attach (a run
   * page opening just after a quick run) before the shell is closed (default 5 s).
   */
  unviewedShellGraceMs?: number;
}

export interface StartRunInput {
  runbook: Runbook;
  rendered: RenderedRunbook;
  endpointId: string | null;
  actor: string;
  dryRun: boolean;
  readOnly: boolean;
  autoConfirm: boolean;
}

/**
 * Guided execution (issue 5): runs a rendered runbook step by step in its own terminal, asks a
 * person where the runbook says so, evaluates each check, and writes every change of the run
 * and of each step to SQLite before moving on, emitting `runs.changed` each time.
 */
export class RunEngine {
  private readonly active = new Map<string, Active>();
  private closing = false;
  private readonly shellTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly o: RunEngineOptions) {}

  /** Runs left live by a process that died are marked interrupted: nothing drives them now. */
  recover(): string[] {
    const ids = this.o.store.leftovers();
    for (const id of ids) {
      const run = this.o.store.get(id);
      if (!run) continue;
      for (const step of interruptRecord(run, this.o.now())) this.o.store.saveStep(run.id, step);
      this.o.store.saveRun(run);
      this.emit(run);
    }
    if (ids.length) this.o.log.warn('runbook runs interrupted by a restart', { runs: ids });
    return ids;
  }

  get(id: string): StoredRun {
    const live = this.active.get(id);
    if (live) return live.run;
    const run = this.o.store.get(id);
    if (!run)
      throw new FleetError({
        code: 'not_found',
        message: `No runbook run '${id}'`,
        where: 'runs',
        hint: 'List runs with runs.list (fleetdeck runbook runs).',
      });
    return run;
  }

  start(input: StartRunInput): StoredRun {
    const run = newRunRecord(input, randomUUID(), this.o.now());
    this.o.store.insert(run);
    if (run.dryRun) this.emit(run);
    else this.launch(run, 'forward');
    return run;
  }

  async control(id: string, action: RunAction, actor: string): Promise<StoredRun> {
    const a = this.active.get(id);
    if (a) {
      await controlLiveRun(a, action, actor, () => this.save(a.run));
      return a.run;
    }
    const run = this.get(id);
    const plan = planIdleControl(run, action, actor, this.o.now());
    if (plan === 'unchanged') return run;
    for (const step of run.steps) this.o.store.saveStep(run.id, step);
    if (plan === 'save') this.save(run);
    else this.launch(run, plan, actor);
    return run;
  }

  annotate(
    id: string | undefined,
    text: string,
    actor: string,
  ): { runId: string; at: number; actor: string; text: string } {
    const runId = id ?? this.o.store.newestActive();
    if (!runId)
      throw new FleetError({
        code: 'not_found',
        message: 'No runbook run is in progress to add the note to.',
        where: 'runs.annotate',
        hint: 'Name the run (--run <id>); runs.list shows them.',
      });
    const run = this.get(runId);
    const note = { at: this.o.now(), actor, text };
    this.o.store.addNote(run.id, note);
    run.notes.push(note);
    run.updatedAt = note.at;
    this.o.store.saveRun(run);
    this.emit(run);
    return { runId: run.id, ...note };
  }

  /** Stops every loop; their runs are recorded as interrupted so a restart can resume them. */
  async close(): Promise<void> {
    const loops = [...this.active.values()];
    for (const a of loops) {
      for (const step of interruptRecord(a.run, this.o.now())) this.o.store.saveStep(a.run.id, step);
      this.o.store.saveRun(a.run);
      this.emit(a.run);
    }
    this.closing = true;
    for (const timer of this.shellTimers) clearTimeout(timer);
    this.shellTimers.clear();
    for (const a of loops) {
      // The driver first: a command in flight ends as 'terminal_exited' without a Ctrl-C (the
      // terminal service hangs the shell up next); then metric waits and questions end.
      a.driver?.dispose();
      a.step.abort();
      a.asking?.answer({ action: 'abort', actor: 'fleetdeck' });
    }
    await Promise.allSettled(loops.map((a) => a.loop));
  }

  // ---- the loop -----------------------------------------------------------------------------

  private launch(run: StoredRun, mode: 'forward' | 'rollback', actor = run.actor): void {
    const a: Active = {
      run,
      driver: null,
      step: new AbortController(),
      pauseRequested: false,
      stop: null,
      stopActor: actor,
      asking: null,
      loop: Promise.resolve(),
    };
    run.state = 'running';
    run.message = mode === 'rollback' ? `Rolling back (asked by ${actor}).` : null;
    try {
      this.openTerminal(a);
    } catch (error) {
      run.state = 'failed';
      run.message = `The run's terminal could not be opened: ${(error as Error).message}`;
      this.save(run);
      return;
    }
    this.active.set(run.id, a);
    this.save(run);
    a.loop = (mode === 'rollback' ? this.rollback(a, actor) : this.forward(a))
      .catch((error: unknown) => {
        this.o.log.error('runbook run failed in the engine', {
          run: run.id,
          error: (error as Error)?.stack ?? String(error),
        });
        this.finish(a, 'failed', `Fleetdeck failed while running this runbook: ${(error as Error)?.message}`);
      })
      .finally(() => {
        a.driver?.dispose();
        if (this.active.get(run.id) === a) this.active.delete(run.id);
      });
  }

  /** Reuses the run's terminal while its shell lives; otherwise opens a new one (resume). */
  private openTerminal(a: Active): void {
    const run = a.run;
    if (run.terminalId && this.o.terminals.get(run.terminalId)?.state === 'running') {
      a.driver = new TerminalDriver(this.o.terminals, run.terminalId);
      return;
    }
    const session = this.o.terminals.open(
      {
        cols: 120,
        rows: 32,
        runId: run.id,
        ...(run.endpointId ? { endpointId: run.endpointId } : {}),
        title: `Run: ${run.runbookTitle}`.slice(0, 80),
        // POSIX bash whatever the user's shell, without their rc files (aliases, prompts and
        // `set -e` there would change what a runbook's commands do); without line editing, so
        // the terminal echoes and the wrapper around each command can stay unseen (step-exec.ts).
        argv: ['bash', '--noprofile', '--norc', '--noediting', '-i'],
      },
      run.actor,
    );
    run.terminalId = session.id;
    a.driver = new TerminalDriver(this.o.terminals, session.id);
  }

  private async forward(a: Active): Promise<void> {
    const run = a.run;
    if (!(await a.driver!.ready(this.o.terminalReadyMs ?? 20_000))) {
      if (this.closing) return;
      return this.finish(
        a,
        'failed',
        "The run's terminal did not start or answer; check the log, then retry.",
      );
    }
    while (run.currentStep < run.steps.length) {
      if (this.closing) return;
      if (a.stop) return this.stopNow(a);
      if (a.pauseRequested) {
        a.pauseRequested = false;
        const answer = await this.ask(
          a,
          'resume',
          null,
          `Paused; resume to continue with ${stepLabel(run.steps[run.currentStep]!)}.`,
        );
        if (this.closing) return;
        if (answer.action === 'skip') this.skipCurrent(a);
        continue;
      }
      const step = run.steps[run.currentStep]!;
      const next = await this.runStep(a, step);
      if (this.closing) return;
      if (next === 'ended') return;
      if (next === 'again') continue;
      run.currentStep++;
      this.save(run);
    }
    if (a.stop) return this.stopNow(a);
    const failed = run.steps.filter((s) => s.state === 'failed');
    this.finish(
      a,
      'succeeded',
      failed.length
        ? `Finished; ${failed.map(stepLabel).join(', ')} failed and the runbook said to continue.`
        : null,
    );
  }

  /** One step. 'next' moves on, 'again' re-evaluates the same step, 'ended' means the run is over. */
  private async runStep(a: Active, step: StoredStep): Promise<'next' | 'again' | 'ended'> {
    const run = a.run;
    if (step.state === 'succeeded' || step.state === 'skipped') return 'next';

    if (step.confirm && run.readOnly) {
      // Failed, not skipped: a retry refuses it again; only an explicit skip goes past it.
      step.state = 'failed';
      step.check = {
        ok: false,
        detail: 'Refused: this step changes the system (confirm: true) and the run is read-only.',
      };
      this.o.store.saveStep(run.id, step);
      this.finish(
        a,
        'failed',
        `Read-only run: ${stepLabel(step)} changes the system and was refused. Start the run without read-only to perform it.`,
      );
      return 'ended';
    }

    if (step.kind === 'manual' || (step.confirm && !step.confirmedBy)) {
      if (step.kind !== 'manual' && run.autoConfirm) {
        step.confirmedBy = `${run.actor} (confirmed in advance)`;
      } else {
        const kind: Ask = step.kind === 'manual' ? 'manual' : 'confirm';
        const answer = await this.ask(
          a,
          kind,
          step,
          kind === 'manual'
            ? `${stepLabel(step)} is done by hand: tick it done when finished, or skip it.`
            : `${stepLabel(step)} changes the system: confirm to run \`${step.command ?? ''}\`, skip it, or abort.`,
        );
        if (this.closing || answer.action === 'abort' || answer.action === 'rollback') return 'again';
        if (answer.action === 'pause') {
          step.state = 'pending';
          this.o.store.saveStep(run.id, step);
          return 'again';
        }
        if (answer.action === 'skip') {
          this.skipCurrent(a, answer.actor);
          return 'again';
        }
        if (kind === 'manual') {
          step.state = 'succeeded';
          step.confirmedBy = answer.actor;
          step.endedAt = this.o.now();
          step.check = { ok: true, detail: `Ticked done by ${answer.actor}.` };
          this.o.store.saveStep(run.id, step);
          return 'next';
        }
        step.confirmedBy = answer.actor;
      }
      if (step.kind === 'manual') return 'next';
    }

    if (!step.command) {
      step.state = 'succeeded';
      step.endedAt = this.o.now();
      this.o.store.saveStep(run.id, step);
      return 'next';
    }
    const ok = await this.execStep(a, step);
    if (this.closing || a.stop) return 'again';
    if (ok === null) return 'ended';
    if (ok) return 'next';
    switch (step.onFailure) {
      case 'continue':
        return 'next';
      case 'rollback':
        await this.rollback(a, run.actor, `${stepLabel(step)} failed: ${step.check?.detail ?? ''}`);
        return 'ended';
      default:
        this.finish(
          a,
          'failed',
          `${stepLabel(step)} failed: ${step.check?.detail ?? 'see its output'}. Retry it, skip it, roll back, or abort.`,
        );
        return 'ended';
    }
  }

  /** Runs a step's command and check; true/false for the verdict, null when the run cannot go on. */
  private async execStep(a: Active, step: StoredStep): Promise<boolean | null> {
    const run = a.run;
    a.step = new AbortController();
    if (a.stop) a.step.abort();
    run.message = null;
    const verdict = await runCommandStep(step, {
      driver: a.driver!,
      terminals: this.o.terminals,
      fleet: this.o.fleet,
      endpointId: run.endpointId,
      now: this.o.now,
      ...(this.o.metricPollMs ? { metricPollMs: this.o.metricPollMs } : {}),
      signal: a.step.signal,
      stoppedBecause: () => `Stopped by ${a.stopActor} (${a.stop ?? 'abort'})`,
      changed: (s) => this.saveStep(run, s),
      closing: () => this.closing,
    });
    if (verdict !== 'terminal_exited') return verdict;
    this.finish(
      a,
      'interrupted',
      `The run's terminal exited during ${stepLabel(step)}; resume to run it again in a new terminal.`,
    );
    return null;
  }

  /** Runs the rollback commands of completed steps, newest first. */
  private async rollback(a: Active, actor: string, why?: string): Promise<void> {
    const run = a.run;
    if (!a.driver?.alive || !(await a.driver.ready(this.o.terminalReadyMs ?? 20_000))) {
      if (this.closing) return;
      return this.finish(a, 'failed', "Cannot roll back: the run's terminal does not answer.");
    }
    run.state = 'running';
    run.message = `Rolling back${why ? ` because ${why}` : ''} (asked by ${actor}).`;
    this.save(run);
    const done = run.steps.filter(
      (s) => s.state === 'succeeded' && s.rollback && s.rollback.state !== 'succeeded',
    );
    for (const step of done.reverse()) {
      const rb = step.rollback!;
      rb.state = 'running';
      this.saveStep(run, step);
      a.step = new AbortController();
      const result = await a.driver.exec(rb.command, {
        timeoutMs: step.timeoutSeconds * 1000,
        signal: a.step.signal,
      });
      if (this.closing) return;
      rb.exitCode = result.exitCode;
      rb.state = result.outcome === 'exited' && result.exitCode === 0 ? 'succeeded' : 'failed';
      if (rb.state === 'succeeded') step.state = 'rolled_back';
      this.saveStep(run, step);
      if (rb.state === 'failed') {
        const how =
          result.outcome === 'exited' ? `exit ${result.exitCode}` : result.outcome.replace('_', ' ');
        return this.finish(
          a,
          'failed',
          `Rollback of ${stepLabel(step)} failed (${how}); the system may be partly rolled back. Check it in the run's terminal.`,
        );
      }
    }
    this.finish(a, 'rolled_back', `Rolled back ${done.length} step(s)${why ? ` after ${why}` : ''}.`);
  }

  private async stopNow(a: Active): Promise<void> {
    if (a.stop === 'rollback') {
      a.stop = null;
      return this.rollback(a, a.stopActor);
    }
    const step = a.run.steps[a.run.currentStep];
    if (step && (step.state === 'waiting_confirm' || step.state === 'waiting_manual')) {
      step.state = 'pending';
      this.o.store.saveStep(a.run.id, step);
    }
    this.finish(a, 'aborted', `Aborted by ${a.stopActor}${step ? ` at ${stepLabel(step)}` : ''}.`);
  }

  private ask(a: Active, kind: Ask, step: StoredStep | null, message: string): Promise<Answer> {
    const run = a.run;
    // The person may type in the run's terminal while it waits (a manual step says to).
    a.driver?.handOver();
    run.state = kind === 'resume' ? 'paused' : 'waiting';
    run.message = message;
    if (step) {
      step.state = kind === 'manual' ? 'waiting_manual' : 'waiting_confirm';
      // A manual step's time is the person's: it starts when they are asked.
      if (kind === 'manual') step.startedAt ??= this.o.now();
      this.o.store.saveStep(run.id, step);
    }
    this.save(run);
    return new Promise<Answer>((resolve) => {
      a.asking = {
        kind,
        answer: (answer) => {
          a.asking = null;
          if (!this.closing && answer.action !== 'abort' && answer.action !== 'rollback') {
            run.state = answer.action === 'pause' ? 'paused' : 'running';
            run.message = null;
            this.save(run);
          }
          resolve(answer);
        },
      };
    });
  }

  private skipCurrent(a: Active, actor = a.run.actor): void {
    const run = a.run;
    const step = run.steps[run.currentStep];
    if (!step) return;
    step.state = 'skipped';
    step.endedAt = this.o.now();
    step.check ??= { ok: true, detail: `Skipped by ${actor}.` };
    this.o.store.saveStep(run.id, step);
    run.currentStep++;
    this.save(run);
  }

  private finish(a: Active, state: RunState, message: string | null): void {
    if (this.closing) return;
    const run = a.run;
    // The terminal stays open: it is the person's shell now, to look into or retry.
    a.driver?.handOver();
    if (state === 'succeeded' && run.terminalId) this.closeIfUnviewed(run.terminalId);
    run.state = state;
    run.message = message;
    if (state !== 'interrupted') run.endedAt = this.o.now();
    if (state === 'succeeded') run.currentStep = run.stepCount;
    this.save(run);
  }

  /**
   * A run that succeeded with nobody viewing its terminal (one from the command line, or the
   * person looked elsewhere) has its shell closed after a short grace; its scrollback and
   * transcript stay. A view that attaches meanwhile (the run page opening after a quick run)
   * keeps it.
   */
  private closeIfUnviewed(terminalId: string): void {
    if (this.o.terminals.viewed(terminalId)) return;
    const timer = setTimeout(() => {
      this.shellTimers.delete(timer);
      if (this.closing || this.o.terminals.viewed(terminalId)) return;
      if (this.o.terminals.get(terminalId)?.state === 'running') this.o.terminals.close(terminalId);
    }, this.o.unviewedShellGraceMs ?? 5_000);
    timer.unref();
    this.shellTimers.add(timer);
  }

  private saveStep(run: StoredRun, step: StoredStep): void {
    if (this.closing) return;
    this.o.store.saveStep(run.id, step);
    this.save(run);
  }

  private save(run: StoredRun): void {
    if (this.closing && activeStates.includes(run.state)) return;
    run.updatedAt = this.o.now();
    this.o.store.saveRun(run);
    this.emit(run);
  }

  private emit(run: StoredRun): void {
    this.o.bus.emit('runs.changed', toSummary(run));
  }
}
