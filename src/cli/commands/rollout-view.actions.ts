import type { Rollout, RolloutComparison, RolloutSummary } from '../../shared/contract/index';
import { flagSet, flagString } from '../cli-args';
import { printJson, type CliContext } from '../cli-command';
import { usageError } from '../cli-error';
import { orDash } from '../fleet-text';
import { failUnlessGood, followRollout } from '../rollout-follower';
import { getRollout } from '../rollout-lookup';
import {
  currentStepText,
  decisionText,
  strategyText,
  versionsText,
  weightBar,
  weightText,
} from '../rollout-text';
import { textTable } from '../text-table';
import { clock, span } from '../time-text';

/** Decisions shown by `status <id>`; the whole log is in --json and the UI. */
const RECENT_DECISIONS = 8;

export async function rolloutStatus(ctx: CliContext, id: string | undefined): Promise<void> {
  const { args, io, json } = ctx;
  const watch = flagSet(args, 'watch');
  if (id === undefined) {
    const active = await ctx.client().call('rollouts.list', { active: true });
    if (!watch) {
      if (json) return printJson(io, active);
      io.out(active.length ? summaryTable(active, Date.now()) : 'No active rollouts.');
      return;
    }
    if (active.length === 0) {
      // Nothing to follow: the same (empty) list as `status --json`.
      if (json) return printJson(io, active);
      io.out('No active rollouts.');
      return;
    }
    if (active.length > 1)
      throw usageError(
        `${active.length} rollouts are active (${active.map((r) => r.id).join(', ')})`,
        'name the one to watch: `fleetdeck rollout status <id> --watch`',
      );
    id = active[0]!.id;
  }
  const rollout = await getRollout(ctx, id);
  if (!watch) {
    if (json) return printJson(io, rollout);
    io.out(describe(rollout));
    return;
  }
  const final = await followRollout(ctx, rollout, json ? 'err' : 'out');
  if (json) printJson(io, final);
  else if (final.comparison) io.out(comparisonText(final.comparison));
  failUnlessGood(final);
}

export async function rolloutHistory(ctx: CliContext): Promise<void> {
  const { args, io, json } = ctx;
  const endpointId = flagString(args, 'endpoint');
  const limitText = flagString(args, 'limit');
  const limit = limitText === undefined ? 100 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw usageError(`--limit "${limitText}" is not a number from 1 to 500`, 'write --limit 20');
  const list = await ctx.client().call('rollouts.list', {
    limit,
    ...(endpointId !== undefined ? { endpointId } : {}),
  });
  if (json) return printJson(io, list);
  if (list.length === 0) {
    io.out(endpointId ? `No rollouts of ${endpointId} yet.` : 'No rollouts yet.');
    return;
  }
  io.out(
    textTable(
      ['ID', 'STARTED', 'ENDPOINT', 'STRATEGY', 'VERSIONS', 'STATE', 'WEIGHT', 'TOOK', 'MESSAGE'],
      list.map((r) => [
        r.id,
        clock(r.startedAt, true),
        r.endpointId,
        strategyText(r.strategy),
        versionsText(r),
        r.state,
        `${r.weight} %`,
        r.endedAt === null ? '—' : span(r.endedAt - r.startedAt),
        orDash(r.message),
      ]),
      ['left', 'left', 'left', 'left', 'left', 'left', 'right', 'right'],
    ),
  );
}

function summaryTable(list: readonly RolloutSummary[], now: number): string {
  return textTable(
    ['ID', 'ENDPOINT', 'STRATEGY', 'VERSIONS', 'STATE', 'WEIGHT', 'STEP', 'VERDICT', 'UPDATED'],
    list.map((r) => [
      r.id,
      r.endpointId,
      strategyText(r.strategy),
      versionsText(r),
      r.state,
      `${r.weight} %`,
      r.stepCount ? `${Math.min(r.stepIndex + 1, r.stepCount)}/${r.stepCount}` : '—',
      orDash(r.lastVerdict),
      `${span(now - r.updatedAt)} ago`,
    ]),
    ['left', 'left', 'left', 'left', 'left', 'right', 'right'],
  );
}

function describe(r: Rollout): string {
  const lines = [
    `Rollout ${r.id}: ${strategyText(r.strategy)} of ${r.endpointId} ${versionsText(r)} (${r.name})`,
    `  ${weightBar(r.weight, 30, false)} ${r.weight} %  ${weightText(r)} · ${r.state.toUpperCase()}`,
    `  ${currentStepText(r)}`,
    `  started ${clock(r.startedAt, true)} by ${r.actor} · updated ${clock(r.updatedAt)}${
      r.endedAt !== null ? ` · ended ${clock(r.endedAt)} after ${span(r.endedAt - r.startedAt)}` : ''
    }`,
  ];
  if (r.message) lines.push(`  ${r.message}`);
  const recent = r.decisions.slice(-RECENT_DECISIONS);
  lines.push(
    '',
    recent.length < r.decisions.length
      ? `Decisions (latest ${recent.length} of ${r.decisions.length}; all of them with --json)`
      : 'Decisions',
  );
  if (recent.length === 0) lines.push('  none yet');
  for (const d of recent) lines.push(`  ${decisionText(d, clock(d.at))}`);
  if (r.comparison) lines.push('', comparisonText(r.comparison));
  return lines.join('\n');
}

const num = (value: number | null) => (value === null ? '—' : Number(value.toPrecision(4)).toString());
const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)} %`);

/** The A/B result: both means, the difference with its 95 % interval, and the verdict. */
export function comparisonText(c: RolloutComparison): string {
  return [
    `Comparison ${clock(c.windowFrom)}–${clock(c.windowTo)} (candidate − stable, 95 % interval)`,
    textTable(
      ['METRIC', 'STABLE', 'CANDIDATE', 'DIFFERENCE', 'RELATIVE', 'INTERVAL', 'P', 'VERDICT'],
      c.metrics.map((m) => [
        m.metric,
        num(m.stable),
        num(m.candidate),
        num(m.difference),
        pct(m.relativeDifference),
        m.ciLow === null || m.ciHigh === null ? '—' : `${num(m.ciLow)} … ${num(m.ciHigh)}`,
        num(m.pValue),
        m.verdict.replace(/_/g, ' '),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    )
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  ].join('\n');
}
