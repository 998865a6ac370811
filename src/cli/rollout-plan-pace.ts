import { isMap, isScalar, parseDocument } from 'yaml';

export interface AnalysisPace {
  /** As written on the command line (`10s`, `2m`); the core checks it when the plan is validated. */
  interval?: string;
  count?: number;
}

/**
 * Sets the interval and count of every named analysis (spec.analysis.*) in a generated plan,
 * keeping its comments and layout: `generate --interval 10s --count 3` for a quicker rollout
 * than the defaults (a staging endpoint, a runbook that should finish in minutes). The values
 * are edited in place, so the comment beside each one stays where it was.
 */
export function setAnalysisPace(text: string, pace: AnalysisPace): string {
  if (pace.interval === undefined && pace.count === undefined) return text;
  const doc = parseDocument(text);
  const analyses = doc.getIn(['spec', 'analysis'], true);
  if (!isMap(analyses)) return text;
  for (const item of analyses.items) {
    const analysis = item.value;
    if (!isMap(analysis)) continue;
    const set = (key: string, value: string | number) => {
      const node = analysis.get(key, true);
      if (isScalar(node)) node.value = value;
      else analysis.set(key, value);
    };
    if (pace.interval !== undefined) set('interval', pace.interval);
    if (pace.count !== undefined) set('count', pace.count);
  }
  return doc.toString({ lineWidth: 0 });
}
