import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/demo/kube/object-store.types';
import {
  compileFieldSelector,
  compileLabelSelector,
  labelSelectorToString,
  parseLabelSelector,
} from '../../../../src/demo/kube/selectors';
import { KubeApiError } from '../../../../src/demo/kube/status-error';

const pod = (labels: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'llm', labels },
  ...extra,
});

describe('label selectors', () => {
  const labels = { app: 'llama', tier: 'gpu', 'fleetdeck.io/model-version': 'v2', replicas: '3' };
  const cases: Array<[string, boolean]> = [
    ['', true],
    ['app=llama', true],
    ['app==llama', true],
    ['app=other', false],
    ['app!=other', true],
    ['app!=llama', false],
    ['missing!=x', true],
    ['app in (llama, mixtral)', true],
    ['app in (mixtral)', false],
    ['app notin (mixtral,bge)', true],
    ['app notin (llama)', false],
    ['missing notin (x)', true],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!tier', false],
    ['app=llama,tier=gpu,fleetdeck.io/model-version in (v1,v2)', true],
    ['app=llama,tier=cpu', false],
    ['replicas>2', true],
    ['replicas<2', false],
  ];
  it.each(cases)('%s -> %s', (selector, expected) => {
    expect(compileLabelSelector(selector)(pod(labels))).toBe(expected);
  });

  it('parses set requirements without splitting inside parentheses', () => {
    expect(parseLabelSelector('a in (x,y),b')).toEqual([
      { key: 'a', op: 'in', values: ['x', 'y'] },
      { key: 'b', op: 'exists' },
    ]);
  });

  it('rejects malformed selectors with a 400 like the apiserver', () => {
    expect(() => compileLabelSelector('a=b,,c')).toThrow(KubeApiError);
    expect(() => compileLabelSelector('bad key=x')).toThrow(/unable to parse requirement/);
  });

  it('turns a Deployment selector back into selector text', () => {
    expect(
      labelSelectorToString({
        matchLabels: { app: 'x' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'gone', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=x,tier in (a,b),!gone');
  });
});

describe('field selectors', () => {
  const running = pod({}, { spec: { nodeName: 'node-1' }, status: { phase: 'Running' } });
  const podFields = ['spec.nodeName', 'status.phase'];

  it('matches metadata, spec and status fields with =, == and !=', () => {
    expect(compileFieldSelector('metadata.name=p', podFields)(running)).toBe(true);
    expect(compileFieldSelector('metadata.namespace==llm', podFields)(running)).toBe(true);
    expect(compileFieldSelector('status.phase=Running,spec.nodeName=node-1', podFields)(running)).toBe(true);
    expect(compileFieldSelector('status.phase!=Running', podFields)(running)).toBe(false);
    expect(compileFieldSelector('spec.nodeName=', podFields)(pod({}))).toBe(true);
  });

  it('matches event involvedObject fields and source', () => {
    const event = pod({}, { involvedObject: { kind: 'Pod', name: 'p-1' }, source: { component: 'kubelet' } });
    const fields = ['involvedObject.kind', 'involvedObject.name', 'source'];
    expect(compileFieldSelector('involvedObject.kind=Pod,involvedObject.name=p-1', fields)(event)).toBe(true);
    expect(compileFieldSelector('source=kubelet', fields)(event)).toBe(true);
  });

  it('rejects unsupported fields like the apiserver', () => {
    expect(() => compileFieldSelector('spec.replicas=3', [])).toThrow(
      'field label not supported: spec.replicas',
    );
  });
});
