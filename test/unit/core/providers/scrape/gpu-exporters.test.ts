import { describe, expect, it } from 'vitest';
import type { EndpointRecord } from '../../../../../src/core/fleet/inventory.types';
import { parseExposition } from '../../../../../src/core/providers/scrape/exposition.parser';
import { gpuFiguresByEndpoint } from '../../../../../src/core/providers/scrape/gpu-exporters';

const ep = (id: string, ns: string, pods: string[]): EndpointRecord =>
  ({
    id,
    cluster: 'c1',
    namespace: ns,
    nodes: ['n1'],
    pods: pods.map((name) => ({ name })),
  }) as unknown as EndpointRecord;

describe("GPU figures from the nodes' DCGM exporters", () => {
  it('maps GPUs to endpoints by the pod and namespace labels, averaging utilisation and summing memory', () => {
    const text = [
      '# TYPE DCGM_FI_DEV_GPU_UTIL gauge',
      'DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="G0",Hostname="n1",namespace="llm",pod="chat-a"} 80',
      'DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="G1",Hostname="n1",namespace="llm",pod="chat-b"} 40',
      'DCGM_FI_DEV_GPU_UTIL{gpu="2",UUID="G2",Hostname="n1",namespace="other",pod="chat-a"} 99',
      'DCGM_FI_DEV_GPU_UTIL{gpu="3",UUID="G3",Hostname="n1"} 0',
      '# TYPE DCGM_FI_DEV_FB_USED gauge',
      'DCGM_FI_DEV_FB_USED{gpu="0",UUID="G0",Hostname="n1",namespace="llm",pod="chat-a"} 1024',
      'DCGM_FI_DEV_FB_USED{gpu="1",UUID="G1",Hostname="n1",namespace="llm",pod="chat-b"} 2048',
      '',
    ].join('\n');
    const figures = gpuFiguresByEndpoint(
      [{ exposition: parseExposition(text), at: 5, cluster: 'c1' }],
      [ep('c1:llm:chat', 'llm', ['chat-a', 'chat-b']), ep('c1:idle:x', 'idle', ['x-1'])],
    );
    expect(figures.get('c1:llm:chat')).toEqual({
      util: expect.closeTo(0.6, 12),
      memBytes: 3072 * 1024 * 1024,
      gpus: 2,
      at: 5,
    });
    // An endpoint whose pods hold no reported GPU gets no figures (reported missing, not zero).
    expect(figures.has('c1:idle:x')).toBe(false);
  });

  it('does not mix clusters: the same namespace and pod name in another cluster is another GPU', () => {
    const text = 'DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="G9",namespace="llm",pod="chat-a"} 10\n';
    const figures = gpuFiguresByEndpoint(
      [{ exposition: parseExposition(text), at: 1, cluster: 'c2' }],
      [ep('c1:llm:chat', 'llm', ['chat-a'])],
    );
    expect(figures.size).toBe(0);
  });
});
