import type { HealingPolicy } from '../../../shared/contract/incident.schema';
import { FleetError } from '../../../shared/errors/fleet-error';
import type { HandlerGroup } from '../../commands/registry';
import { didYouMean } from '../../runbooks/runbook.format';
import type { CoreCaller } from '../core-caller';
import { parseHealingPolicy, type HealingProblem } from './healing.parse';
import type { HealingStore } from './healing.store';

export type HealingCommands =
  | 'healing.policies'
  | 'healing.validate'
  | 'healing.save'
  | 'healing.setEnabled'
  | 'healing.delete'
  | 'healing.actions'
  | 'healing.freezes'
  | 'healing.freeze'
  | 'healing.unfreeze';

export interface HealingCommandDeps {
  store: HealingStore;
  call: CoreCaller;
  now: () => number;
  /** Every policy, parsed, with its enabled flag from the table. */
  policies: () => HealingPolicy[];
  /** A policy was saved, switched or deleted: re-read them, restart its episodes. */
  changed: (id: string) => void;
}

const notFound = (id: string, where: string) =>
  new FleetError({
    code: 'not_found',
    message: `No healing policy "${id}"`,
    where,
    hint: 'healing.policies lists the saved policies.',
  });

/** Where a problem is, for messages: "line 7, column 7 (when)". */
export const problemAt = (p: HealingProblem) =>
  `${p.line !== null ? `line ${p.line}${p.column !== null ? `, column ${p.column}` : ''}` : 'the policy'}${p.field ? ` (${p.field})` : ''}`;

/** The healing.* commands: policies (checked, saved, switched, deleted), the action log, freezes. */
export function healingCommands(d: HealingCommandDeps): HandlerGroup<HealingCommands> {
  const validate = async (text: string) => {
    const parsed = parseHealingPolicy(text, d.now());
    const problems = [...parsed.problems];
    const policy = parsed.policy;
    if (policy?.action.runbookId) problems.push(...(await runbookProblems(d.call, policy, parsed)));
    return { ok: problems.length === 0, problems, policy: problems.length === 0 ? policy : null };
  };
  const find = (id: string, where: string) => {
    const policy = d.policies().find((p) => p.id === id);
    if (!policy) throw notFound(id, where);
    return policy;
  };
  return {
    'healing.policies': () => d.policies(),
    'healing.validate': ({ text }) => validate(text),
    'healing.save': async ({ text }) => {
      const checked = await validate(text);
      if (!checked.policy) {
        const first = checked.problems.slice(0, 3).map((p) => `${problemAt(p)}: ${p.message}`);
        throw new FleetError({
          code: 'bad_request',
          message: `The policy was not saved: ${checked.problems.length} problem${checked.problems.length === 1 ? '' : 's'}. ${first.join(' ')}`,
          where: 'healing.save',
          hint: 'healing.validate lists every problem with its line; fix them and save again.',
        });
      }
      const p = checked.policy;
      d.store.savePolicy({ id: p.id, text, enabled: p.enabled, updatedAt: p.updatedAt });
      d.changed(p.id);
      return find(p.id, 'healing.save');
    },
    'healing.setEnabled': ({ id, enabled }) => {
      if (!d.store.setEnabled(id, enabled, d.now())) throw notFound(id, 'healing.setEnabled');
      d.changed(id);
      return find(id, 'healing.setEnabled');
    },
    'healing.delete': ({ id }) => {
      if (!d.store.deletePolicy(id)) throw notFound(id, 'healing.delete');
      d.changed(id);
      return { deleted: id };
    },
    'healing.actions': (q) => d.store.actions(q),
    'healing.freezes': () => d.store.freezes(d.now()),
    'healing.freeze': ({ from, to, reason }, ctx) => {
      const now = d.now();
      if (to <= from || to <= now)
        throw new FleetError({
          code: 'bad_request',
          message:
            to <= from
              ? `A freeze must end after it starts (from ${new Date(from).toISOString()}, to ${new Date(to).toISOString()})`
              : `That freeze ended already (${new Date(to).toISOString()})`,
          where: 'healing.freeze',
          hint: 'Give from and to as times in ms, to later than both from and now.',
        });
      return d.store.addFreeze({ from, to, reason: reason.trim(), actor: ctx.actor });
    },
    'healing.unfreeze': ({ id }) => {
      if (!d.store.freeze(id))
        throw new FleetError({
          code: 'not_found',
          message: `No change freeze "${id}"`,
          where: 'healing.unfreeze',
          hint: 'healing.freezes lists the freezes now and planned.',
        });
      d.store.endFreeze(id, d.now());
      return { removed: id };
    },
  };
}

/** The runbook must exist here, and every var must be one of its parameters. */
async function runbookProblems(
  call: CoreCaller,
  policy: HealingPolicy,
  parsed: ReturnType<typeof parseHealingPolicy>,
): Promise<HealingProblem[]> {
  const id = policy.action.runbookId!;
  const field = policy.action.kind === 'shift_traffic' ? 'action.shift_traffic' : 'action';
  const at = parsed.runbookAt ?? { line: null, column: null };
  try {
    const runbook = await call('runbooks.get', { id }, 'fleetdeck');
    const names = runbook.params.map((p) => p.name);
    return Object.keys(policy.action.vars)
      .filter((name) => !names.includes(name))
      .map((name) => ({
        line: parsed.varsAt[name]?.line ?? null,
        column: parsed.varsAt[name]?.column ?? null,
        field: `${field}.vars.${name}`,
        message: `runbook ${id} has no parameter '${name}'.${didYouMean(name, names)} Its parameters: ${names.join(', ') || 'none'}.`,
      }));
  } catch (error) {
    if (!(error instanceof FleetError) || error.code !== 'not_found') throw error;
    const known = await call('runbooks.list', {}, 'fleetdeck').then(
      (l) => l.runbooks.map((r) => r.id),
      () => [] as string[],
    );
    return [
      {
        ...at,
        field: `${field}.runbook`,
        message: `There is no runbook '${id}' in this console.${didYouMean(id, known)} runbooks.list shows them; write one of: ${known.join(', ')}.`,
      },
    ];
  }
}
