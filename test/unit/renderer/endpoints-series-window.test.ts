import { describe, expect, it } from 'vitest';
import {
  appendTail,
  breachSpans,
  type Point,
} from '../../../src/renderer/views/endpoint-detail/series-window';

describe('chart series window', () => {
  it('appends only newer points at least a step apart and trims what fell out of the range', () => {
    const start = {
      points: [
        [0, 1],
        [10, 2],
        [20, 3],
      ] as Point[],
      stepMs: 10,
    };
    const next = appendTail(
      start,
      [
        [20, 9],
        [25, 4],
        [30, 5],
        [40, 6],
      ],
      10,
      100,
    );
    expect(next.points).toEqual([
      [10, 2],
      [20, 3],
      [30, 5],
      [40, 6],
    ]);
  });

  it('stays bounded over hours of ticks', () => {
    let w = { points: [] as Point[], stepMs: 1000 };
    const range = 60_000;
    for (let t = 0; t < 4 * 3600_000; t += 5000) {
      w = appendTail(w, [[t, Math.random()]], t - range, 600);
    }
    expect(w.points.length).toBeLessThanOrEqual(range / 5000 + 1);
  });

  it('finds spans above a threshold and merges when there are too many', () => {
    const pts: Point[] = [
      [0, 0],
      [1, 5],
      [2, 6],
      [3, 0],
      [4, 0],
      [5, 7],
      [6, 0],
    ];
    expect(breachSpans(pts, 1)).toEqual([
      [0, 3],
      [4, 6],
    ]);
    expect(breachSpans(pts, 1, 1)).toEqual([[0, 6]]);
    expect(
      breachSpans(
        [
          [0, 5],
          [1, 5],
        ],
        1,
      ),
    ).toEqual([[0, 1]]);
  });
});
