import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/core/log/logger';
import { RunbookLibrary } from '../../../../src/core/runbooks/runbook.library';
import {
  renderRunbook,
  type EndpointBinding,
  type RenderedStep,
} from '../../../../src/core/runbooks/runbook.render';
import type { Runbook } from '../../../../src/shared/contract/runbook.schema';
import { freshDir } from '../../../support/tmp';
import {
  kubectlAvailable,
  startDemoKube,
  type DemoKube,
} from '../../../integration/demo/kube/kubectl-harness';

/**
 * The built-in library (resources/runbooks) against the demo fleet: every file parses, renders
 * for a demo endpoint, and its kubectl commands, checks and rollbacks work with the real kubectl
 * against the simulated API servers. `fleetdeck ...` steps need a running console and are
 * covered by the run-engine tests.
 */
const resourcesDir = resolve(import.meta.dirname, '../../../../resources');
const library = new RunbookLibrary({ resourcesDir, userFolder: () => null, log: silentLogger });

const builtinIds = [
  'cordon-drain-gpu-node',
  'latency-diagnostics',
  'restart-crashloop-pods',
  'roll-out-model-version',
  'rollback-model-version',
  'scale-out',
  'shift-traffic-away-from-region',
];

/** prod-us-east/llm/llama-8b-chat, as the run engine binds it from fleet data. */
const llama8b: EndpointBinding = {
  id: 'prod-us-east:llm:llama-8b-chat',
  cluster: 'prod-us-east',
  context: 'prod-us-east',
  namespace: 'llm',
  deployment: 'llama-8b-chat',
  model: 'llama-3.1-8b-instruct',
  version: 'v1',
  node: 'prod-us-east-a10g-0',
  group: null,
};
/** The KServe canary prod-us-east/llm/llama-70b-chat-v2 on an H100 node. */
const llama70bCanary: EndpointBinding = {
  id: 'prod-us-east:llm:llama-70b-chat-v2',
  cluster: 'prod-us-east',
  context: 'prod-us-east',
  namespace: 'llm',
  deployment: 'llama-70b-chat-predictor-v2',
  model: 'llama-3.1-70b-instruct',
  version: 'v2',
  node: 'prod-us-east-h100-1',
  group: 'llama-70b-chat',
};

const bindings: Record<string, { endpoint: EndpointBinding; vars: Record<string, string> }> = {
  'cordon-drain-gpu-node': { endpoint: llama70bCanary, vars: {} },
  'latency-diagnostics': { endpoint: llama8b, vars: {} },
  'restart-crashloop-pods': { endpoint: llama8b, vars: {} },
  'roll-out-model-version': { endpoint: llama8b, vars: { candidate: 'v2' } },
  'rollback-model-version': { endpoint: llama70bCanary, vars: {} },
  'scale-out': { endpoint: llama8b, vars: { replicas: '5' } },
  'shift-traffic-away-from-region': { endpoint: llama8b, vars: { target_context: 'prod-eu-west' } },
};

function builtin(id: string): Runbook {
  const rb = library.get(id);
  expect(rb, `built-in runbook ${id}`).not.toBeNull();
  return rb!;
}

const render = (id: string) => renderRunbook(builtin(id), bindings[id]!);

describe('built-in runbooks', () => {
  it('all parse without problems', () => {
    const { runbooks, problems } = library.list();
    expect(problems).toEqual([]);
    expect(runbooks.map((r) => r.id).sort()).toEqual(builtinIds);
    for (const rb of runbooks) {
      expect(rb.source).toBe('builtin');
      expect(rb.description.length, rb.id).toBeGreaterThan(20);
      expect(rb.signals.length, rb.id).toBeGreaterThan(0);
    }
  });

  it('are destructive exactly where they change the cluster', () => {
    const destructive = Object.fromEntries(library.list().runbooks.map((r) => [r.id, r.destructive]));
    expect(destructive).toEqual({
      'cordon-drain-gpu-node': true,
      'latency-diagnostics': false,
      'restart-crashloop-pods': true,
      'roll-out-model-version': true,
      'rollback-model-version': true,
      'scale-out': false,
      'shift-traffic-away-from-region': true,
    });
  });

  it.each(builtinIds)('%s renders for a demo endpoint with no placeholder left', (id) => {
    const rendered = render(id);
    expect(rendered.steps.length).toBeGreaterThan(1);
    for (const s of rendered.steps) {
      for (const text of [s.title, s.guidance, s.command ?? '', s.rollback ?? ''])
        expect(text).not.toContain('{{');
      if (s.kind === 'command')
        expect(s.command).toMatch(/^(kubectl --context prod-(us-east|eu-west) |fleetdeck )/);
    }
    expect(rendered.params.every((p) => p.value !== '')).toBe(true);
  });

  it('scale-out checks p95 latency against the chat SLO', () => {
    const check = render('scale-out').steps.find((s) => s.check?.kind === 'metric')!.check;
    expect(check).toMatchObject({ metric: 'latency_p95', op: '<', value: 12, forSeconds: 60 });
  });
});

describe.skipIf(!kubectlAvailable)(
  'built-in runbooks against the demo clusters with the real kubectl',
  () => {
    let kube: DemoKube;
    let home: { dir: string; cleanup(): void };

    beforeAll(async () => {
      kube = await startDemoKube();
      home = freshDir('fleetdeck-runbook-home-');
    });
    afterAll(async () => {
      await kube?.close();
      home?.cleanup();
    });

    /** A rendered command in bash, as the runbook terminal runs it (async: the API servers share this process). */
    const sh = (command: string) =>
      new Promise<{ code: number; output: string }>((done) => {
        execFile(
          'bash',
          ['-c', `${command} 2>&1`],
          {
            env: {
              PATH: process.env.PATH ?? '/usr/bin:/bin',
              HOME: home.dir,
              KUBECONFIG: kube.kubeconfig,
              KUBECACHEDIR: join(home.dir, 'kube-cache'),
            },
            timeout: 60_000,
          },
          (error, stdout) =>
            done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout }),
        );
      });

    const settle = () => Promise.all(kube.clusters.map((c) => c.controllers.idle()));

    /** Runs every kubectl step, asserting exit code 0 and its output/exit-code check; returns outputs by step id. */
    async function runSteps(steps: RenderedStep[]): Promise<Record<string, string>> {
      const outputs: Record<string, string> = {};
      for (const step of steps) {
        if (step.kind !== 'command' || !step.command!.startsWith('kubectl')) continue;
        await settle();
        const { code, output } = await sh(step.command!);
        outputs[step.id] = output;
        expect(code, `${step.id}: ${step.command}\n${output}`).toBe(0);
        if (step.check?.kind === 'output') expect(output, step.id).toMatch(new RegExp(step.check.matches));
        if (step.check?.kind === 'exit_code') expect(code, step.id).toBe(step.check.equals);
      }
      return outputs;
    }

    async function rollBack(steps: RenderedStep[]) {
      for (const step of [...steps].reverse()) {
        if (!step.rollback) continue;
        await settle();
        const { code, output } = await sh(step.rollback);
        expect(code, `${step.id} rollback: ${step.rollback}\n${output}`).toBe(0);
      }
    }

    const kubectlJson = async (context: string, args: string[]) => {
      const r = await kube.kubectl(['--context', context, ...args, '-o', 'json']);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    };

    it('scale-out changes the replicas', async () => {
      await runSteps(render('scale-out').steps);
      const d = await kubectlJson('prod-us-east', ['-n', 'llm', 'get', 'deployment', 'llama-8b-chat']);
      expect(d.spec.replicas).toBe(5);
      expect(d.status.readyReplicas).toBe(5);
    });

    it('restart-crashloop-pods replaces the pods', async () => {
      const pods = async () =>
        (
          await kubectlJson('prod-us-east', [
            '-n',
            'llm',
            'get',
            'pods',
            '-l',
            'app.kubernetes.io/instance=llama-8b-chat',
          ])
        ).items
          .map((p: { metadata: { name: string } }) => p.metadata.name)
          .sort();
      const before = await pods();
      await runSteps(render('restart-crashloop-pods').steps);
      const after = await pods();
      expect(after).toHaveLength(before.length);
      expect(after.filter((n: string) => before.includes(n))).toEqual([]);
    });

    it('cordon-drain-gpu-node empties the node with Xid errors, and its rollback uncordons it', async () => {
      kube.cluster('prod-us-east').controllers.setNodeGpuFailure('prod-us-east-h100-1', true, { xid: 79 });
      const steps = render('cordon-drain-gpu-node').steps;
      const out = await runSteps(steps);
      expect(out['inspect-node']).toMatch(/Xid/);
      expect(out['verify-empty']).toMatch(/No resources found/);
      expect(
        (await kubectlJson('prod-us-east', ['get', 'node', 'prod-us-east-h100-1'])).spec.unschedulable,
      ).toBe(true);
      await rollBack(steps);
      expect(
        (await kubectlJson('prod-us-east', ['get', 'node', 'prod-us-east-h100-1'])).spec.unschedulable,
      ).toBeFalsy();
    });

    it('rollback-model-version sends the canary to 0%, and its rollback restores 10%', async () => {
      const steps = render('rollback-model-version').steps;
      const percent = async () =>
        (await kubectlJson('prod-us-east', ['-n', 'llm', 'get', 'inferenceservice', 'llama-70b-chat'])).spec
          .predictor.canaryTrafficPercent;
      expect(await percent()).toBe(10);
      await runSteps(steps);
      expect(await percent()).toBe(0);
      await rollBack(steps);
      expect(await percent()).toBe(10);
    });

    it('shift-traffic-away-from-region empties one region into the other, and rolls back', async () => {
      const steps = render('shift-traffic-away-from-region').steps;
      const replicas = async (context: string) =>
        (await kubectlJson(context, ['-n', 'llm', 'get', 'deployment', 'llama-8b-chat'])).spec.replicas;
      await runSteps(steps);
      expect(await replicas('prod-us-east')).toBe(0);
      expect(await replicas('prod-eu-west')).toBe(6);
      await rollBack(steps);
      expect(await replicas('prod-us-east')).toBe(3);
      expect(await replicas('prod-eu-west')).toBe(3);
    });

    it('latency-diagnostics reads without changing anything', async () => {
      const before = kube.requests.get('prod-us-east')!.length;
      await runSteps(render('latency-diagnostics').steps);
      const seen = kube.requests.get('prod-us-east')!.slice(before);
      expect(seen.filter((line) => line.startsWith('GET ')).length).toBeGreaterThan(3);
      expect(seen.filter((line) => !line.startsWith('GET '))).toEqual([]);
    });
  },
);
