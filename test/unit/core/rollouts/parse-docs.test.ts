import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRolloutPlan } from '../../../../src/core/rollouts/rollout.parse';

/** The documented examples are plans people copy: each must parse as written. */
const doc = readFileSync(join(__dirname, '../../../../docs/rollouts.md'), 'utf8');
const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/rollouts.md examples', () => {
  it('has the three strategies', () => {
    const kinds = examples.map((e) => parseRolloutPlan(e).plan?.strategy.kind);
    expect(kinds).toEqual(['canary', 'blueGreen', 'ab']);
  });

  for (const [i, text] of examples.entries()) {
    it(`example ${i + 1} parses without problems`, () => {
      expect(parseRolloutPlan(text).problems).toEqual([]);
    });
  }
});
