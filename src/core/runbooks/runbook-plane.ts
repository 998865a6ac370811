import type Database from 'better-sqlite3';
import type { Endpoint } from '../../shared/contract/fleet.schema';
import type { Runbook, RunbookSummary } from '../../shared/contract/runbook.schema';
import { FleetError } from '../../shared/errors/fleet-error';
import type { HandlerGroup } from '../commands/registry';
import type { EventBus } from '../events/event-bus';
import type { FleetService } from '../fleet/fleet.service';
import type { Logger } from '../log/logger';
import type { SettingsService } from '../settings/settings.service';
import type { TerminalHost } from '../terminal/terminal.types';
import { RunEngine } from './run.engine';
import { toRun } from './run.record';
import { RunStore } from './run.store';
import { RunbookLibrary } from './runbook.library';
import { parseRunbook } from './runbook.parse';
import { renderRunbook, type EndpointBinding } from './runbook.render';

export type RunbookCommands =
  | 'runbooks.list'
  | 'runbooks.get'
  | 'runbooks.validate'
  | 'runbooks.render'
  | 'runs.start'
  | 'runs.get'
  | 'runs.list'
  | 'runs.control'
  | 'runs.annotate';

export interface RunbookPlaneOptions {
  db: Database.Database;
  log: Logger;
  bus: EventBus;
  settings: SettingsService;
  resourcesDir: string;
  fleet: FleetService;
  terminals: TerminalHost;
  now?: () => number;
  /** How often metric checks read the fleet (default 1 s). */
  metricPollMs?: number;
}

export interface RunbookPlane {
  handlers: HandlerGroup<RunbookCommands>;
  /** Marks runs left running by a previous process as interrupted. */
  start(): void;
  close(): Promise<void>;
}

const summaryOf = (rb: Runbook): RunbookSummary => ({
  id: rb.id,
  title: rb.title,
  description: rb.description,
  tags: rb.tags,
  severity: rb.severity,
  source: rb.source,
  file: rb.file,
  stepCount: rb.stepCount,
  destructive: rb.destructive,
  relevance: rb.relevance,
});

/**
 * What a runbook's parameters can bind to on an endpoint. For Kubernetes sources the cluster id
 * is the kubeconfig context (the demo's clusters are contexts of the demo kubeconfig). The
 * Deployment is known only when the endpoint was read from one; a KServe endpoint's revision
 * Deployment is not in the record, so `deployment` falls back to the parameter's default or --var.
 */
export function bindingFor(endpoint: Endpoint): EndpointBinding {
  return {
    id: endpoint.id,
    cluster: endpoint.cluster,
    context: endpoint.cluster,
    namespace: endpoint.namespace,
    deployment: endpoint.target.kind === 'Deployment' ? endpoint.target.name : null,
    model: endpoint.model,
    version: endpoint.version,
    node: endpoint.nodes[0] ?? null,
    group: endpoint.group,
  };
}

/** The runbook library, the run engine and the runbook/run commands over them. */
export function createRunbookPlane(o: RunbookPlaneOptions): RunbookPlane {
  const now = o.now ?? Date.now;
  const library = new RunbookLibrary({
    resourcesDir: o.resourcesDir,
    userFolder: () => o.settings.get().runbooksFolder || null,
    log: o.log,
  });
  const store = new RunStore(o.db);
  const engine = new RunEngine({
    store,
    terminals: o.terminals,
    fleet: o.fleet,
    bus: o.bus,
    log: o.log,
    now,
    ...(o.metricPollMs ? { metricPollMs: o.metricPollMs } : {}),
  });

  const runbook = (id: string, where: string): Runbook => {
    const rb = library.get(id);
    if (rb) return rb;
    const problem = library.list().problems.find((p) => p.message.includes(`'${id}'`));
    throw new FleetError({
      code: 'not_found',
      message: `No runbook '${id}'`,
      where,
      hint: problem
        ? `A file that may define it cannot be used: ${problem.file}: ${problem.message}`
        : 'runbooks.list shows the built-in runbooks and those in the folder chosen in Settings.',
    });
  };
  const endpoint = (id: string, where: string): Endpoint => {
    const e = o.fleet.endpoint(id);
    if (e) return e;
    throw new FleetError({
      code: 'not_found',
      message: `No endpoint '${id}' in the fleet`,
      where,
      hint: 'fleet.endpoints lists the endpoint ids; a run can also start without an endpoint and take every value from --var.',
    });
  };
  const bind = (id: string | undefined, where: string) => (id ? bindingFor(endpoint(id, where)) : null);

  const handlers: HandlerGroup<RunbookCommands> = {
    'runbooks.list': ({ query, tag, endpointId }) => {
      const { runbooks, problems } = endpointId
        ? library.suggest(endpoint(endpointId, 'runbooks.list'))
        : library.list();
      const words = (query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const shown = runbooks.filter((rb) => {
        if (tag && !rb.tags.includes(tag)) return false;
        const text = [rb.id, rb.title, rb.description, ...rb.tags].join(' ').toLowerCase();
        return words.every((w) => text.includes(w));
      });
      return { runbooks: shown.map(summaryOf), problems };
    },
    'runbooks.get': ({ id }) => runbook(id, 'runbooks.get'),
    'runbooks.validate': ({ text, file }) => {
      const { runbook: rb, problems } = parseRunbook(text, file ?? '(text)', 'user');
      return { ok: rb !== null && problems.length === 0, problems, runbook: rb };
    },
    'runbooks.render': ({ id, endpointId, vars }) => {
      const rb = runbook(id, 'runbooks.render');
      const rendered = renderRunbook(rb, { vars, endpoint: bind(endpointId, 'runbooks.render') });
      return {
        runbook: summaryOf(rb),
        params: rendered.params,
        steps: rendered.steps.map((s) => ({
          idx: s.idx,
          title: s.title,
          kind: s.kind,
          command: s.command,
          rollback: s.rollback,
          confirm: s.confirm,
          check: s.check,
        })),
      };
    },
    'runs.start': (args, ctx) => {
      const rb = runbook(args.runbookId, 'runs.start');
      const rendered = renderRunbook(rb, { vars: args.vars, endpoint: bind(args.endpointId, 'runs.start') });
      const run = engine.start({
        runbook: rb,
        rendered,
        endpointId: args.endpointId ?? null,
        actor: ctx.actor,
        dryRun: args.dryRun,
        readOnly: args.readOnly,
        autoConfirm: args.autoConfirm,
      });
      o.log.info('runbook run started', {
        run: run.id,
        runbook: rb.id,
        endpoint: args.endpointId,
        actor: ctx.actor,
      });
      return toRun(run);
    },
    'runs.get': ({ id }) => toRun(engine.get(id)),
    'runs.list': (args) => store.list(args),
    'runs.control': async ({ id, action }, ctx) => toRun(await engine.control(id, action, ctx.actor)),
    'runs.annotate': ({ id, text }, ctx) => engine.annotate(id, text, ctx.actor),
  };

  return {
    handlers,
    start: () => void engine.recover(),
    close: () => engine.close(),
  };
}
