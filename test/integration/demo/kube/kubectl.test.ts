import { statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refs } from '../../../../src/demo/kube/object-store.types';
import { kubectlAvailable, startDemoKube, waitFor, type DemoKube } from './kubectl-harness';

/**
 * The real kubectl (v1.32) against the simulated apiservers of the demo fleet (issue 3, section 1):
 * every command the issue names, plus the failure messages kubectl prints for a real cluster.
 */
let kube: DemoKube;

beforeAll(async () => {
  // A visible delay before pods turn Ready, so `rollout status` has something to wait for.
  kube = await startDemoKube({ readyDelayMs: 300, crashLoopIntervalMs: 100 });
});

afterAll(async () => {
  await kube?.close();
});

const us = () => kube.cluster('prod-us-east');
const podsOf = (deployment: string, cluster = us()) =>
  cluster.store.list(refs.pods, { labelSelector: `app.kubernetes.io/instance=${deployment}` });
const running = (deployment: string, cluster = us()) =>
  podsOf(deployment, cluster).filter(
    (pod) => pod.status?.phase === 'Running' && pod.status.containerStatuses?.[0]?.ready,
  );

describe.skipIf(!kubectlAvailable)('kubectl against the simulated clusters', () => {
  it('writes a 0600 kubeconfig with one context per demo cluster, the first current', async () => {
    expect(statSync(kube.kubeconfig).mode & 0o777).toBe(0o600);
    const contexts = await kube.kubectl(['config', 'get-contexts', '-o', 'name']);
    expect(contexts.stdout.trim().split('\n')).toEqual(['prod-eu-west', 'prod-us-east', 'staging']);
    expect((await kube.kubectl(['config', 'current-context'])).stdout.trim()).toBe('prod-us-east');
  });

  it('get nodes,deploy,pods,svc,events -A lists every seeded node, deployment and pod, pods Running', async () => {
    const result = await kube.kubectl(['get', 'nodes,deploy,pods,svc,events', '-A']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    const store = us().store;
    expect(store.list(refs.nodes)).toHaveLength(7);
    for (const node of store.list(refs.nodes)) {
      expect(
        lines.some(
          (line) => /^node\/(\S+)\s+Ready\s/.test(line) && line.startsWith(`node/${node.metadata.name} `),
        ),
      ).toBe(true);
    }
    expect(store.list(refs.deployments)).toHaveLength(9);
    for (const deployment of store.list(refs.deployments)) {
      const row = lines.find(
        (line) => line.split(/\s+/)[1] === `deployment.apps/${deployment.metadata.name}`,
      );
      expect(row, deployment.metadata.name).toBeDefined();
      expect(row!.split(/\s+/)[0]).toBe(deployment.metadata.namespace);
      expect(row!.split(/\s+/)[2]).toBe(`${deployment.spec.replicas}/${deployment.spec.replicas}`);
    }
    const pods = store.list(refs.pods);
    expect(pods.length).toBe(17);
    for (const pod of pods) {
      const row = lines.find((line) => line.split(/\s+/)[1] === `pod/${pod.metadata.name}`);
      expect(row, pod.metadata.name).toBeDefined();
      expect(row!.split(/\s+/).slice(2, 5)).toEqual(['1/1', 'Running', '0']);
    }
    expect(lines.some((line) => /^llm\s+service\/llama-8b-chat\s+ClusterIP\s+10\.96\./.test(line))).toBe(
      true,
    );
    expect(lines.some((line) => /\sNormal\s+Scheduled\s+pod\/\S+\s+Successfully assigned /.test(line))).toBe(
      true,
    );
    expect(lines).toContain(
      lines.find((line) => /^NAMESPACE\s+LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/.test(line)),
    );
  });

  it('get inferenceservices -A and the isvc short name show the canary split', async () => {
    for (const resource of ['inferenceservices', 'isvc']) {
      const result = await kube.kubectl(['get', resource, '-A']);
      expect(result.code).toBe(0);
      const [header, row] = result.stdout.trim().split('\n');
      expect(header!.split(/\s+/)).toEqual([
        'NAMESPACE',
        'NAME',
        'URL',
        'READY',
        'PREV',
        'LATEST',
        'PREVROLLEDOUTREVISION',
        'LATESTREADYREVISION',
        'AGE',
      ]);
      expect(row!.split(/\s+/).slice(0, 8)).toEqual([
        'llm',
        'llama-70b-chat',
        'http://llama-70b-chat.llm.example.com',
        'True',
        '90',
        '10',
        'llama-70b-chat-predictor-v1',
        'llama-70b-chat-predictor-v2',
      ]);
    }
  });

  it('prints -o json and -o jsonpath, and --context selects another cluster', async () => {
    const json = await kube.kubectl(['get', 'deploy', '-n', 'llm', '-o', 'json']);
    const list = JSON.parse(json.stdout);
    expect(list.kind).toBe('List');
    expect(list.items.map((item: { metadata: { name: string } }) => item.metadata.name)).toEqual([
      'llama-70b-chat-predictor-v1',
      'llama-70b-chat-predictor-v2',
      'llama-8b-chat',
      'mixtral-chat',
    ]);
    expect(list.items[2].metadata.labels['fleetdeck.io/endpoint']).toBe('llama-8b-chat');

    const jsonpath = await kube.kubectl([
      'get',
      'nodes',
      '-l',
      'fleetdeck.io/pool=h100',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.status.capacity.nvidia\\.com/gpu} {.metadata.annotations.fleetdeck\\.io/hourly-price-usd}{"\\n"}{end}',
    ]);
    expect(jsonpath.stdout.trim().split('\n')).toEqual([
      'prod-us-east-h100-0 8 98.32',
      'prod-us-east-h100-1 8 98.32',
      'prod-us-east-h100-2 8 98.32',
    ]);

    const eu = await kube.kubectl(['--context', 'prod-eu-west', 'get', 'deploy', '-A', '-o', 'name']);
    expect(eu.stdout.trim().split('\n')).toContain('deployment.apps/llama-8b-agents');
    expect(eu.stdout).not.toContain('llama-70b-chat-predictor-v2');
    const zones = await kube.kubectl([
      '--context',
      'prod-eu-west',
      'get',
      'nodes',
      '-o',
      'jsonpath={.items[*].metadata.labels.topology\\.kubernetes\\.io/zone}',
    ]);
    expect(new Set(zones.stdout.split(' '))).toEqual(new Set(['europe-west4-a', 'europe-west4-b']));
  });

  it('scale converges the pods and rollout status succeeds', async () => {
    const scaled = await kube.kubectl(['scale', 'deploy/llama-8b-chat', '-n', 'llm', '--replicas=5']);
    expect(scaled.stdout.trim()).toBe('deployment.apps/llama-8b-chat scaled');
    const rollout = await kube.kubectl([
      'rollout',
      'status',
      'deploy/llama-8b-chat',
      '-n',
      'llm',
      '--timeout=30s',
    ]);
    expect(rollout.stdout).toContain('deployment "llama-8b-chat" successfully rolled out');
    expect(rollout.code).toBe(0);
    expect(running('llama-8b-chat')).toHaveLength(5);
    const ready = await kube.kubectl([
      'get',
      'deploy',
      'llama-8b-chat',
      '-n',
      'llm',
      '-o',
      'jsonpath={.status.readyReplicas}',
    ]);
    expect(ready.stdout).toBe('5');
  });

  it('patch with the default strategic type changes a container image; rollout status waits, then succeeds', async () => {
    const before = new Set(podsOf('bge-embed').map((pod) => pod.metadata.name));
    const patch = {
      spec: { template: { spec: { containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.9.0' }] } } },
    };
    const patched = await kube.kubectl([
      'patch',
      'deployment',
      'bge-embed',
      '-n',
      'embed',
      '-p',
      JSON.stringify(patch),
    ]);
    expect(patched.stdout.trim()).toBe('deployment.apps/bge-embed patched');
    const rollout = await kube.kubectl([
      'rollout',
      'status',
      'deployment/bge-embed',
      '-n',
      'embed',
      '--timeout=30s',
    ]);
    expect(rollout.stdout).toMatch(/Waiting for deployment "bge-embed" rollout to finish/);
    expect(rollout.stdout).toContain('deployment "bge-embed" successfully rolled out');
    const after = running('bge-embed');
    expect(after).toHaveLength(2);
    for (const pod of after) {
      expect(before.has(pod.metadata.name)).toBe(false);
      expect(pod.spec.containers[0].image).toBe('vllm/vllm-openai:v0.9.0');
      expect(pod.spec.containers[0].args).toContain('bge-large-en-v1.5'); // merged by name, not replaced
    }
  });

  it('patch --type merge and --type json change the canary percent and the status traffic follows', async () => {
    const isvcTraffic = () =>
      us().store.get(refs.inferenceservices, 'llm', 'llama-70b-chat')!.status.components.predictor
        .traffic as Array<{
        revisionName: string;
        percent: number;
      }>;
    const merge = await kube.kubectl([
      'patch',
      'isvc',
      'llama-70b-chat',
      '-n',
      'llm',
      '--type',
      'merge',
      '-p',
      '{"spec":{"predictor":{"canaryTrafficPercent":30}}}',
    ]);
    expect(merge.stdout.trim()).toBe('inferenceservice.serving.kserve.io/llama-70b-chat patched');
    await waitFor(() => isvcTraffic()[0]?.percent === 30, 'traffic 30/70');
    expect(isvcTraffic()).toMatchObject([
      { revisionName: 'llama-70b-chat-predictor-v2', percent: 30 },
      { revisionName: 'llama-70b-chat-predictor-v1', percent: 70 },
    ]);

    const json = await kube.kubectl([
      'patch',
      'inferenceservice',
      'llama-70b-chat',
      '-n',
      'llm',
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/spec/predictor/canaryTrafficPercent","value":50}]',
    ]);
    expect(json.code).toBe(0);
    await waitFor(() => isvcTraffic()[0]?.percent === 50, 'traffic 50/50');
    const printed = await kube.kubectl(['get', 'isvc', 'llama-70b-chat', '-n', 'llm', '--no-headers']);
    expect(printed.stdout.split(/\s+/).slice(3, 5)).toEqual(['50', '50']);

    // Like a real apiserver, a custom resource takes no strategic merge patch: kubectl says so.
    const strategic = await kube.kubectl([
      'patch',
      'isvc',
      'llama-70b-chat',
      '-n',
      'llm',
      '-p',
      '{"spec":{}}',
    ]);
    expect(strategic.code).toBe(1);
    expect(strategic.stderr).toContain('application/strategic-merge-patch+json is not supported');
  });

  it('get -w streams changes while something is scaled', async () => {
    const eu = ['--context', 'prod-eu-west'];
    const watch = kube.spawnKubectl([...eu, 'get', 'deploy', '-n', 'llm', '-w']);
    try {
      await waitFor(() => /^mixtral-chat\s+2\/2\s/m.test(watch.output()), 'the initial list');
      const scaled = await kube.kubectl([
        ...eu,
        'scale',
        'deployment',
        'mixtral-chat',
        '-n',
        'llm',
        '--replicas=1',
      ]);
      expect(scaled.code).toBe(0);
      await waitFor(() => /^mixtral-chat\s+1\/1\s+1\s+1\s/m.test(watch.output()), 'a streamed 1/1 line');
      const lines = watch
        .output()
        .split('\n')
        .filter((line) => line.startsWith('mixtral-chat'));
      expect(lines.length).toBeGreaterThanOrEqual(2);
    } finally {
      watch.child.kill('SIGKILL');
    }
    // The stream was a real watch request, logged by the apiserver when kubectl went away.
    await waitFor(
      () =>
        kube.requests
          .get('prod-eu-west')!
          .some((line) => /^GET \/apis\/apps\/v1\/namespaces\/llm\/deployments\?.*watch=true/.test(line)),
      'the watch request to end',
    );
  });

  it('filters with -l and --field-selector', async () => {
    const byLabel = await kube.kubectl([
      'get',
      'pods',
      '-n',
      'support',
      '-l',
      'app=support-bot',
      '-o',
      'name',
    ]);
    expect(byLabel.stdout.trim().split('\n')).toHaveLength(4);
    const byVersion = await kube.kubectl([
      'get',
      'pods',
      '-A',
      '-l',
      'fleetdeck.io/model-version in (2024-11),app=support-bot',
      '-o',
      'name',
    ]);
    expect(byVersion.stdout.trim().split('\n')).toHaveLength(2);
    const runningPods = await kube.kubectl([
      'get',
      'pods',
      '-A',
      '--field-selector',
      'status.phase=Running',
      '--no-headers',
    ]);
    expect(runningPods.stdout.trim().split('\n').length).toBe(
      us().store.list(refs.pods, { fieldSelector: 'status.phase=Running' }).length,
    );
    const onNode = await kube.kubectl([
      'get',
      'pods',
      '-A',
      '--field-selector',
      'spec.nodeName=prod-us-east-h100-0',
      '-o',
      'name',
    ]);
    expect(onNode.stdout.trim().split('\n').length).toBe(
      us().store.list(refs.pods, { fieldSelector: 'spec.nodeName=prod-us-east-h100-0' }).length,
    );
    const events = await kube.kubectl([
      'get',
      'events',
      '-n',
      'llm',
      '--field-selector',
      'involvedObject.kind=Deployment,reason=ScalingReplicaSet',
      '--no-headers',
    ]);
    expect(events.stdout).toContain('deployment/llama-8b-chat');
    expect(events.stdout).not.toContain('pod/');
  });

  it('pages with --chunk-size=5 and still lists every pod', async () => {
    const before = kube.requests.get('prod-us-east')!.length;
    const result = await kube.kubectl(['get', 'pods', '-A', '--chunk-size=5', '-o', 'name']);
    expect(result.stdout.trim().split('\n').sort()).toEqual(
      us()
        .store.list(refs.pods)
        .map((pod) => `pod/${pod.metadata.name}`)
        .sort(),
    );
    const pages = kube.requests
      .get('prod-us-east')!
      .slice(before)
      .filter((line) => line.startsWith('GET /api/v1/pods?'));
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(pages.slice(1).every((line) => line.includes('continue=') && line.includes('limit=5'))).toBe(true);
  });

  it('shows a crash-looping Deployment (the fault hook) as CrashLoopBackOff, with its logs, and its recovery', async () => {
    const staging = ['--context', 'staging'];
    const cluster = kube.cluster('staging');
    expect(cluster.controllers.setDeploymentCrashLoop('eval', 'llama-8b-eval', true)).toBe(true);
    const crashing = await waitFor(async () => {
      const out = (await kube.kubectl([...staging, 'get', 'pods', '-n', 'eval', '--no-headers'])).stdout;
      const cells = out.trim().split(/\s+/);
      return cells[2] === 'CrashLoopBackOff' && Number(cells[3]) >= 2 ? cells : undefined;
    }, 'CrashLoopBackOff with restarts');
    expect(crashing[1]).toBe('0/1');
    const events = await kube.kubectl([
      ...staging,
      'get',
      'events',
      '-n',
      'eval',
      '--field-selector',
      'reason=BackOff',
    ]);
    expect(events.stdout).toContain('Back-off restarting failed container vllm');
    const logs = await kube.kubectl([...staging, 'logs', '-n', 'eval', 'deploy/llama-8b-eval', '--tail=1']);
    expect(logs.stdout).toContain('RuntimeError');
    const rollout = await kube.kubectl([
      ...staging,
      'rollout',
      'status',
      'deploy/llama-8b-eval',
      '-n',
      'eval',
      '--timeout=1s',
    ]);
    expect(rollout.code).toBe(1); // not available while crashing

    cluster.controllers.setDeploymentCrashLoop('eval', 'llama-8b-eval', false);
    const recovered = await kube.kubectl([
      ...staging,
      'rollout',
      'status',
      'deploy/llama-8b-eval',
      '-n',
      'eval',
      '--timeout=20s',
    ]);
    expect(recovered.stdout).toContain('successfully rolled out');
    const healthyLogs = await kube.kubectl([...staging, 'logs', '-n', 'eval', 'deploy/llama-8b-eval']);
    expect(healthyLogs.stdout).toContain('Application startup complete.');
  });

  it('names an unknown resource type clearly', async () => {
    const result = await kube.kubectl(['get', 'gpuslices']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: the server doesn\'t have a resource type "gpuslices"');
  });

  it('says Unauthorized for a wrong token', async () => {
    const result = await kube.kubectl(['--token', 'not-the-token', 'get', 'pods']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
  });

  it('reports AlreadyExists for a conflicting create', async () => {
    const manifest = join(dirname(kube.kubeconfig), 'namespace.json');
    writeFileSync(
      manifest,
      JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'llm' } }),
    );
    const result = await kube.kubectl(['create', '-f', manifest]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error from server (AlreadyExists): error when creating');
    expect(result.stderr).toContain('namespaces "llm" already exists');
    // kubectl's typed clients send protobuf: the imperative commands work too.
    const typed = await kube.kubectl(['create', 'namespace', 'llm']);
    expect(typed.stderr.trim()).toBe('Error from server (AlreadyExists): namespaces "llm" already exists');
    const created = await kube.kubectl([
      'create',
      'deployment',
      'scratch',
      '-n',
      'default',
      '--image=busybox:1.36',
      '--replicas=2',
    ]);
    expect(created.stdout.trim()).toBe('deployment.apps/scratch created');
    const again = await kube.kubectl([
      'create',
      'deployment',
      'scratch',
      '-n',
      'default',
      '--image=busybox:1.36',
    ]);
    expect(again.stderr).toContain('deployments.apps "scratch" already exists');
    await waitFor(
      () =>
        us()
          .store.list(refs.pods, { namespace: 'default', labelSelector: 'app=scratch' })
          .filter((pod) => pod.status?.phase === 'Running').length === 2,
      'the scratch pods',
    );
  });
});
