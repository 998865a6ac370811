import { describe, expect, it } from 'vitest';
import { replicaPercent, splitReplicas } from '../../../../../src/core/rollouts/targets/replica-split';

describe('splitReplicas', () => {
  it('rounds N x w / 100 to the candidate and gives stable the rest', () => {
    expect(splitReplicas(4, 25)).toEqual({ stable: 3, candidate: 1 });
    expect(splitReplicas(4, 50)).toEqual({ stable: 2, candidate: 2 });
    expect(splitReplicas(10, 33)).toEqual({ stable: 7, candidate: 3 });
  });

  it('puts everything on one side at 0 and 100', () => {
    expect(splitReplicas(4, 0)).toEqual({ stable: 4, candidate: 0 });
    expect(splitReplicas(4, 100)).toEqual({ stable: 0, candidate: 4 });
  });

  it('keeps at least one replica on each side for any weight strictly between 0 and 100', () => {
    expect(splitReplicas(4, 1)).toEqual({ stable: 3, candidate: 1 });
    expect(splitReplicas(4, 99)).toEqual({ stable: 1, candidate: 3 });
    for (let n = 2; n <= 12; n++) {
      for (let w = 1; w < 100; w++) {
        const split = splitReplicas(n, w);
        expect(split.stable + split.candidate).toBe(n);
        expect(Math.min(split.stable, split.candidate)).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('surges one pod when a single replica has to be split', () => {
    expect(splitReplicas(1, 10)).toEqual({ stable: 1, candidate: 1 });
    expect(splitReplicas(1, 0)).toEqual({ stable: 1, candidate: 0 });
    expect(splitReplicas(1, 100)).toEqual({ stable: 0, candidate: 1 });
  });
});

describe('replicaPercent', () => {
  it('is the candidate share of ready replicas, one decimal', () => {
    expect(replicaPercent(3, 1)).toBe(25);
    expect(replicaPercent(2, 1)).toBe(33.3);
    expect(replicaPercent(0, 4)).toBe(100);
    expect(replicaPercent(0, 0)).toBe(0);
  });
});
