import { describe, expect, it } from 'vitest';
import {
  applyJsonPatch,
  applyMergePatch,
  applyPatch,
  applyStrategicMergePatch,
} from '../../../../src/demo/kube/patch';
import { deepFreeze } from '../../../../src/demo/kube/immutable-objects';
import type { KubeApiError } from '../../../../src/demo/kube/status-error';

const deployment = () =>
  deepFreeze({
    metadata: { name: 'd', labels: { app: 'x', tier: 'gpu' } },
    spec: {
      replicas: 2,
      template: {
        spec: {
          containers: [
            {
              name: 'vllm',
              image: 'vllm:1',
              args: ['--model', 'a'],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              ports: [{ containerPort: 8000, name: 'http' }],
            },
            { name: 'sidecar', image: 'envoy:1' },
          ],
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
        },
      },
    },
  });

describe('JSON merge patch (RFC 7386)', () => {
  it('merges objects, replaces lists wholesale and deletes with null', () => {
    const result = applyMergePatch(deployment(), {
      metadata: { labels: { tier: null, team: 'ml' } },
      spec: { replicas: 5, template: { spec: { tolerations: [] } } },
    }) as ReturnType<typeof deployment>;
    expect(result.metadata.labels).toEqual({ app: 'x', team: 'ml' });
    expect(result.spec.replicas).toBe(5);
    expect(result.spec.template.spec.tolerations).toEqual([]);
    expect(result.spec.template.spec.containers).toHaveLength(2);
  });

  it('replaces a containers list instead of merging it by name', () => {
    const result = applyMergePatch(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'vllm', image: 'vllm:2' }] } } },
    }) as ReturnType<typeof deployment>;
    expect(result.spec.template.spec.containers).toEqual([{ name: 'vllm', image: 'vllm:2' }]);
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies add, replace, remove, move, copy and test in order, with ~1 escapes and "-"', () => {
    const result = applyJsonPatch(deployment(), [
      { op: 'test', path: '/spec/replicas', value: 2 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/labels/fleetdeck.io~1model', value: 'llama' },
      { op: 'add', path: '/spec/template/spec/containers/0/args/-', value: '--port' },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
      { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copied' },
      { op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/moved' },
    ]) as ReturnType<typeof deployment>;
    expect(result.spec.replicas).toBe(3);
    expect(result.metadata.labels).toEqual({
      app: 'x',
      'fleetdeck.io/model': 'llama',
      copied: 'x',
      moved: 'gpu',
    });
    expect(result.spec.template.spec.containers).toHaveLength(1);
    expect(result.spec.template.spec.containers[0]!.args).toEqual(['--model', 'a', '--port']);
  });

  it('fails a test op, a missing path and a bad op with API errors', () => {
    const fails = (ops: unknown) => {
      try {
        applyJsonPatch(deployment(), ops);
      } catch (error) {
        return (error as KubeApiError).code;
      }
      return 0;
    };
    expect(fails([{ op: 'test', path: '/spec/replicas', value: 9 }])).toBe(422);
    expect(fails([{ op: 'replace', path: '/spec/nothing/here', value: 1 }])).toBe(422);
    expect(fails([{ op: 'remove', path: '/metadata/labels/absent' }])).toBe(422);
    expect(fails([{ op: 'frobnicate', path: '/spec' }])).toBe(400);
    expect(fails({ op: 'add' })).toBe(400);
  });

  it('does not touch the original document', () => {
    const original = deployment();
    applyJsonPatch(original, [{ op: 'replace', path: '/spec/replicas', value: 9 }]);
    expect(original.spec.replicas).toBe(2);
  });
});

describe('strategic merge patch', () => {
  it('merges containers by name and env by name, keeping the other elements', () => {
    const result = applyStrategicMergePatch(deployment(), {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'vllm',
                image: 'vllm:2',
                env: [
                  { name: 'B', value: '20' },
                  { name: 'C', value: '3' },
                ],
              },
            ],
          },
        },
      },
    }) as ReturnType<typeof deployment>;
    const [vllm, sidecar] = result.spec.template.spec.containers;
    expect(vllm!.image).toBe('vllm:2');
    expect(vllm!.args).toEqual(['--model', 'a']);
    expect(vllm!.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '20' },
      { name: 'C', value: '3' },
    ]);
    expect(sidecar).toEqual({ name: 'sidecar', image: 'envoy:1' });
  });

  it('appends an element with a new key and honours $patch: delete and replace', () => {
    const added = applyStrategicMergePatch(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'logger', image: 'fluent:1' }] } } },
    }) as ReturnType<typeof deployment>;
    expect(added.spec.template.spec.containers.map((c) => c.name)).toEqual(['vllm', 'sidecar', 'logger']);

    const deleted = applyStrategicMergePatch(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
    }) as ReturnType<typeof deployment>;
    expect(deleted.spec.template.spec.containers.map((c) => c.name)).toEqual(['vllm']);

    const replaced = applyStrategicMergePatch(deployment(), {
      metadata: { labels: { $patch: 'replace', only: 'this' } },
    }) as ReturnType<typeof deployment>;
    expect(replaced.metadata.labels).toEqual({ only: 'this' });
  });

  it('replaces lists without a merge key (args, tolerations) and ignores $setElementOrder', () => {
    const result = applyStrategicMergePatch(deployment(), {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'vllm' }, { name: 'sidecar' }],
            containers: [{ name: 'vllm', args: ['--model', 'b'] }],
            tolerations: [{ key: 'other', operator: 'Exists' }],
          },
        },
      },
    }) as ReturnType<typeof deployment>;
    expect(result.spec.template.spec.containers[0]!.args).toEqual(['--model', 'b']);
    expect(result.spec.template.spec.tolerations).toEqual([{ key: 'other', operator: 'Exists' }]);
    expect(Object.keys(result.spec.template.spec)).not.toContain('$setElementOrder/containers');
  });

  it('merges container ports by containerPort', () => {
    const result = applyStrategicMergePatch(deployment(), {
      spec: {
        template: {
          spec: { containers: [{ name: 'vllm', ports: [{ containerPort: 9090, name: 'metrics' }] }] },
        },
      },
    }) as ReturnType<typeof deployment>;
    expect(result.spec.template.spec.containers[0]!.ports).toEqual([
      { containerPort: 8000, name: 'http' },
      { containerPort: 9090, name: 'metrics' },
    ]);
  });

  it('applyPatch copies a frozen store snapshot before patching', () => {
    const frozen = deployment();
    const result = applyPatch('strategic', frozen, { spec: { replicas: 7 } }) as ReturnType<
      typeof deployment
    >;
    expect(result.spec.replicas).toBe(7);
    expect(frozen.spec.replicas).toBe(2);
  });
});
