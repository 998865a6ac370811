import { describe, expect, it } from 'vitest';
import { coalescedLoader } from '../../../src/renderer/stores/coalesced-loader';

/** A load whose calls stay open until the test resolves them, so "in flight" is under test control. */
const gatedLoad = () => {
  const calls: { args: string[]; finish: () => void }[] = [];
  const load = (...args: string[]) =>
    new Promise<void>((resolve) => {
      calls.push({ args, finish: resolve });
    });
  return { calls, load };
};

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('coalescedLoader', () => {
  it('runs one load at a time; calls made meanwhile cause exactly one more, with the newest arguments', async () => {
    const { calls, load } = gatedLoad();
    const run = coalescedLoader(load);
    const first = run('a');
    const again = run('b');
    void run('c');
    expect(again).toBe(first);
    expect(calls.map((c) => c.args)).toEqual([['a']]);

    calls[0]!.finish();
    await first;
    await settle();
    expect(calls.map((c) => c.args)).toEqual([['a'], ['c']]);

    calls[1]!.finish();
    await settle();
    expect(calls).toHaveLength(2);
  });

  it('keeps one load in flight per key, independently', async () => {
    const { calls, load } = gatedLoad();
    const run = coalescedLoader(load, (id) => id);
    void run('x');
    void run('y');
    void run('x');
    expect(calls.map((c) => c.args)).toEqual([['x'], ['y']]);

    calls[1]!.finish();
    await settle();
    expect(calls).toHaveLength(2);

    calls[0]!.finish();
    await settle();
    expect(calls.map((c) => c.args)).toEqual([['x'], ['y'], ['x']]);
  });

  it('starts the next load after a failed one', async () => {
    let attempts = 0;
    const run = coalescedLoader(async () => {
      attempts++;
      if (attempts === 1) throw new Error('read failed');
    });
    const first = run();
    void run();
    await expect(first).rejects.toThrow('read failed');
    await settle();
    expect(attempts).toBe(2);
  });
});
