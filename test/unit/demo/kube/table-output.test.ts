import { describe, expect, it } from 'vitest';
import { refs } from '../../../../src/demo/kube/object-store.types';
import { resourceDefinition } from '../../../../src/demo/kube/resources';
import { humanDuration, toTable } from '../../../../src/demo/kube/table-output';

describe('humanDuration (as kubectl prints AGE)', () => {
  it.each([
    [0, '0s'],
    [-500, '0s'],
    [-5000, '<invalid>'],
    [45_000, '45s'],
    [119_000, '119s'],
    [150_000, '2m30s'],
    [300_000, '5m'],
    [45 * 60_000, '45m'],
    [4 * 3600_000 + 5 * 60_000, '4h5m'],
    [30 * 3600_000, '30h'],
    [3 * 86400_000 + 2 * 3600_000, '3d2h'],
    [40 * 86400_000, '40d'],
  ])('%d ms -> %s', (ms, text) => expect(humanDuration(ms)).toBe(text));
});

describe('toTable', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');
  const crashing = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'llm', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'vllm', image: 'x' }], nodeName: 'n1' },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { finishedAt: '2026-01-01T00:09:30Z' } },
        },
      ],
    },
  };

  it('prints a crash-looping pod the way kubectl does', () => {
    const table = toTable(resourceDefinition(refs.pods)!, [crashing], { resourceVersion: '5' }, { now });
    expect(table.rows[0]!.cells.slice(0, 5)).toEqual(['p', '0/1', 'CrashLoopBackOff', '4 (30s ago)', '10m']);
    expect(table.rows[0]!.object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: crashing.metadata,
    });
    expect(table.metadata).toEqual({ resourceVersion: '5' });
  });

  it('honours includeObject and carries continue and remainingItemCount', () => {
    const table = toTable(
      resourceDefinition(refs.pods)!,
      [crashing],
      { resourceVersion: '5', continue: 'abc', remainingItemCount: 3 },
      { now, includeObject: 'None' },
    );
    expect(table.rows[0]!.object).toBeUndefined();
    expect(table.metadata).toEqual({ resourceVersion: '5', continue: 'abc', remainingItemCount: 3 });
  });

  it('shows NotReady and SchedulingDisabled nodes', () => {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', labels: { 'node-role.kubernetes.io/gpu': '' } },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'False' }], nodeInfo: { kubeletVersion: 'v1.32.4' } },
    };
    const table = toTable(resourceDefinition(refs.nodes)!, [node], { resourceVersion: '1' }, { now });
    expect(table.rows[0]!.cells.slice(0, 3)).toEqual(['n1', 'NotReady,SchedulingDisabled', 'gpu']);
  });
});
