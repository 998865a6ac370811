import { describe, expect, it } from 'vitest';
import { ScrollbackRing } from '../../../../src/core/terminal/scrollback-ring';

describe('ScrollbackRing', () => {
  it('keeps everything below the cap, in order', () => {
    const ring = new ScrollbackRing(100);
    ring.push('one\n');
    ring.push('two\n');
    expect(ring.snapshot()).toBe('one\ntwo\n');
    expect(ring.length).toBe(8);
  });

  it('drops the oldest output past the cap and starts at a whole line', () => {
    const ring = new ScrollbackRing(100, 60);
    for (let i = 0; i < 50; i++) ring.push(`line ${String(i).padStart(2, '0')}\n`);
    const kept = ring.snapshot();
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept.length).toBe(ring.length);
    expect(kept.endsWith('line 49\n')).toBe(true);
    expect(kept).toMatch(/^line \d\d\n/);
  });

  it('cuts a single endless line as it is rather than dropping everything', () => {
    const ring = new ScrollbackRing(100, 60);
    ring.push('x'.repeat(250));
    expect(ring.snapshot()).toBe('x'.repeat(60));
  });
});
