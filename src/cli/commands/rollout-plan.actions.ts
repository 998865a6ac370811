import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CommandResult, RolloutPlan, RolloutProblem } from '../../shared/contract/index';
import { flagSet, flagString } from '../cli-args';
import { printJson, type CliContext } from '../cli-command';
import { CliError, usageError } from '../cli-error';
import { failUnlessGood, followRollout } from '../rollout-follower';
import { setAnalysisPace, type AnalysisPace } from '../rollout-plan-pace';
import { strategyText, versionsText } from '../rollout-text';
import { comparisonText } from './rollout-view.actions';

const strategies = ['canary', 'blueGreen', 'ab'] as const;
type Strategy = (typeof strategies)[number];

/** The plan's text: the file, or stdin for `-` (`fleetdeck rollout generate ... | fleetdeck rollout validate -`). */
async function readPlan(file: string): Promise<string> {
  // stdin is read as a stream: a synchronous read of a pipe can fail with EAGAIN.
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES'
            ? 'permission denied'
            : (code ?? (error as Error).message);
    throw usageError(
      `cannot read the plan file ${file} (${why})`,
      'check the path; `fleetdeck rollout generate --endpoint ID --version V --output FILE` writes a plan',
    );
  }
}

/** `file:line:col field: message`, as editors and compilers print them, so a click opens the spot. */
export function problemLine(file: string, p: RolloutProblem): string {
  const at = p.line !== null ? `:${p.line}${p.column !== null ? `:${p.column}` : ''}` : '';
  return `${file === '-' ? '<stdin>' : file}${at} ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

const planText = (plan: RolloutPlan) => {
  const steps = plan.strategy.kind === 'canary' ? `, ${plan.strategy.steps.length} steps` : '';
  return `${strategyText(plan.strategy.kind)} of ${plan.endpointId} ${versionsText(plan)}${steps}`;
};

const invalid = (file: string, problems: readonly RolloutProblem[], where: string) =>
  usageError(
    `${file === '-' ? 'the plan on stdin' : file} is not a valid rollout plan (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
    `fix the lines ${where}; \`fleetdeck rollout generate\` writes a valid plan to start from`,
  );

async function validateText(ctx: CliContext, text: string): Promise<CommandResult<'rollouts.validate'>> {
  return ctx.client().call('rollouts.validate', { text });
}

export async function validatePlan(ctx: CliContext, file: string): Promise<void> {
  const { io, json } = ctx;
  const text = await readPlan(file);
  const result = await validateText(ctx, text);
  if (json) printJson(io, result);
  else if (result.ok && result.plan)
    io.out(`${file === '-' ? '<stdin>' : file}: valid — ${planText(result.plan)}`);
  else for (const p of result.problems) io.out(problemLine(file, p));
  if (!result.ok) throw invalid(file, result.problems, json ? 'listed in "problems"' : 'above');
}

export async function generatePlan(ctx: CliContext): Promise<void> {
  const { args, io, json } = ctx;
  const endpointId = flagString(args, 'endpoint');
  const version = flagString(args, 'version');
  const strategy = flagString(args, 'strategy') ?? 'canary';
  const output = flagString(args, 'output');
  if (!endpointId || !version)
    throw usageError(
      `rollout generate needs ${!endpointId ? '--endpoint ID' : '--version V'}`,
      'write `fleetdeck rollout generate --endpoint ID --version V` (ID serves the stable version; `fleetdeck endpoints` lists them)',
    );
  if (!strategies.includes(strategy as Strategy))
    throw usageError(`--strategy "${strategy}" is not a strategy`, 'use canary, blueGreen or ab');
  const pace = paceFlags(ctx);
  let generated = await ctx.client().call('rollouts.generate', {
    endpointId,
    candidateVersion: version,
    strategy: strategy as Strategy,
  });
  if (pace.interval !== undefined || pace.count !== undefined) {
    const paced = setAnalysisPace(generated.text, pace);
    // The edited plan goes through the core's checks like any other (a 0s interval is refused there).
    const checked = await validateText(ctx, paced);
    if (!checked.ok || !checked.plan) {
      for (const p of checked.problems) io.err(problemLine('<generated plan>', p));
      throw usageError(
        'the generated plan with this --interval/--count is not valid',
        'see the problems above; intervals look like 10s or 2m, counts are whole numbers from 1',
      );
    }
    generated = { text: paced, plan: checked.plan };
  }
  const text = generated.text.endsWith('\n') ? generated.text : `${generated.text}\n`;
  if (output !== undefined) {
    try {
      mkdirSync(dirname(output), { recursive: true });
      writeFileSync(output, text);
    } catch (error) {
      throw new CliError(
        'failed',
        `cannot write the plan to ${output} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        'choose a file in a folder you can write to, or leave --output out to print the plan',
      );
    }
  }
  if (json) return printJson(io, generated);
  if (output !== undefined) io.out(`Wrote ${output}: ${planText(generated.plan)}`);
  else io.out(text.replace(/\n$/, ''));
}

/** --interval D and --count N: every analysis of the generated plan measures this often, this many times. */
function paceFlags(ctx: CliContext): AnalysisPace {
  const interval = flagString(ctx.args, 'interval');
  const countText = flagString(ctx.args, 'count');
  const pace: AnalysisPace = {};
  if (interval !== undefined) {
    if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(interval))
      throw usageError(
        `--interval "${interval}" is not a duration`,
        'write a number and a unit: 10s, 2m or 1h',
      );
    pace.interval = interval;
  }
  if (countText !== undefined) {
    const count = Number(countText);
    if (!Number.isInteger(count) || count < 1)
      throw usageError(`--count "${countText}" is not a whole number from 1`, 'write --count 3');
    pace.count = count;
  }
  return pace;
}

export async function startRollout(ctx: CliContext, file: string): Promise<void> {
  const { args, io, json } = ctx;
  const text = await readPlan(file);
  // Validate first, so a bad plan is reported the way `validate` reports it (line and field).
  const checked = await validateText(ctx, text);
  if (!checked.ok) {
    for (const p of checked.problems) io.err(problemLine(file, p));
    throw invalid(file, checked.problems, 'above');
  }
  const started = await ctx.client().call('rollouts.start', { text });
  if (!flagSet(args, 'wait')) {
    if (json) return printJson(io, started);
    io.out(started.id);
    io.err(
      `Rollout ${started.id} started: ${strategyText(started.strategy)} of ${started.endpointId} ${versionsText(started)} — follow it with \`fleetdeck rollout status ${started.id} --watch\``,
    );
    return;
  }
  if (!json) io.out(started.id);
  const final = await followRollout(ctx, started, json ? 'err' : 'out');
  if (json) printJson(io, final);
  else if (final.comparison) io.out(comparisonText(final.comparison));
  failUnlessGood(final);
}
