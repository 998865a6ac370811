import type {
  IncidentEndpoint,
  IncidentSummary,
  TimelineEntry,
  TimelineKind,
} from '../../../shared/contract/incident.schema';
import { durationText, utcText } from './duration-text';

/** Kinds a reader of the postmortem needs; chart snapshots, raw Kubernetes events and notifications stay in the timeline. */
const KEY_KINDS: ReadonlySet<TimelineKind> = new Set([
  'state',
  'health',
  'gpu_fault',
  'healing',
  'run',
  'rollout',
  'note',
  'action',
]);
/** Beyond this the key-event list says how many more there are rather than growing without end. */
const MAX_KEY_EVENTS = 200;

export interface PostmortemInput {
  incident: IncidentSummary;
  endpoints: IncidentEndpoint[];
  timeline: TimelineEntry[];
}

/** Time to detect, mitigate and resolve, all from the start of impact (ms; null when not reached). */
export function incidentDurations(
  i: Pick<IncidentSummary, 'startedAt' | 'detectedAt' | 'mitigatedAt' | 'resolvedAt'>,
) {
  const since = (at: number | null) => (at === null ? null : Math.max(0, at - i.startedAt));
  return { ttd: since(i.detectedAt), ttm: since(i.mitigatedAt), ttr: since(i.resolvedAt) };
}

/** Markdown has few characters that change a one-line text's meaning in a list; escape those. */
const inline = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .replace(/([\\`*_[\]<>|])/g, '\\$1')
    .trim();

/**
 * The postmortem draft (issue 7): summary, impact window, what was affected, time to detect /
 * mitigate / resolve, the key events, the actions people and policies took, and a place for
 * follow-ups. Built only from the incident's record, so it is the same offline, on another
 * machine after an import, and every time it is regenerated from the same timeline.
 */
export function postmortemDraft({ incident: i, endpoints, timeline }: PostmortemInput): string {
  const { ttd, ttm, ttr } = incidentDurations(i);
  const figure = (ms: number | null, what: string) => (ms === null ? `not ${what} yet` : durationText(ms));
  const windowEnd = i.mitigatedAt ?? i.resolvedAt;
  const lines: string[] = [];
  lines.push(`# Postmortem: ${inline(i.title)}`, '');
  lines.push(
    `*Draft generated from the timeline of ${i.id}. Edit freely; regenerating replaces the draft, not a saved postmortem.*`,
    '',
  );

  lines.push('## Summary', '');
  const endpointWord = `${i.endpointCount} endpoint${i.endpointCount === 1 ? '' : 's'}`;
  lines.push(
    `${i.severity.toUpperCase()} incident, ${i.origin === 'auto' ? 'opened automatically' : 'opened by hand'} ` +
      `(${inline(i.groupKey)}), affecting ${endpointWord}. State: ${i.state}` +
      `${i.owner ? `, owner ${inline(i.owner)}` : ''}.` +
      (i.signals.length ? ` Signals: ${i.signals.map(inline).join(', ')}.` : ''),
    '',
  );

  lines.push('## Impact window', '');
  lines.push(
    `- Start: ${utcText(i.startedAt)}`,
    `- End: ${windowEnd === null ? 'ongoing (not mitigated yet)' : `${utcText(windowEnd)} (${i.mitigatedAt !== null ? 'mitigated' : 'resolved'})`}`,
    `- Duration: ${windowEnd === null ? 'ongoing' : durationText(windowEnd - i.startedAt)}`,
    '',
  );

  lines.push('## Time to detect, mitigate, resolve', '');
  lines.push('Measured from the start of impact.', '');
  lines.push('| Measure | Time | At |', '| --- | --- | --- |');
  lines.push(`| Time to detect (TTD) | ${figure(ttd, 'detected')} | ${utcText(i.detectedAt)} |`);
  lines.push(
    `| Time to mitigate (TTM) | ${figure(ttm, 'mitigated')} | ${i.mitigatedAt === null ? '–' : utcText(i.mitigatedAt)} |`,
  );
  lines.push(
    `| Time to resolve (TTR) | ${figure(ttr, 'resolved')} | ${i.resolvedAt === null ? '–' : utcText(i.resolvedAt)} |`,
    '',
  );

  lines.push('## Affected', '');
  lines.push(`- Models: ${i.models.map(inline).join(', ') || 'none recorded'}`);
  lines.push(`- Clusters: ${i.clusters.map(inline).join(', ') || 'none recorded'}`);
  lines.push(`- Endpoints (${endpoints.length}):`);
  for (const e of endpoints)
    lines.push(
      `  - ${inline(e.name)} (${inline(e.model)} ${inline(e.version)}, ${inline(e.cluster)}/${inline(e.region)}): ${e.health}${e.reason ? `, ${inline(e.reason)}` : ''}`,
    );
  lines.push('');

  lines.push('## Timeline of key events', '');
  const key = timeline.filter((e) => KEY_KINDS.has(e.kind));
  for (const e of key.slice(0, MAX_KEY_EVENTS))
    lines.push(`- ${utcText(e.at)} · ${e.kind} · ${inline(e.actor)}: ${inline(e.summary)}`);
  if (key.length > MAX_KEY_EVENTS)
    lines.push(`- … ${key.length - MAX_KEY_EVENTS} more key events in the incident's timeline`);
  if (key.length === 0) lines.push('- No key events recorded.');
  lines.push('');

  lines.push('## Actions taken', '');
  const actions = timeline.filter(
    (e) =>
      e.kind === 'action' ||
      e.kind === 'healing' ||
      ((e.kind === 'state' || e.kind === 'run' || e.kind === 'rollout') && e.actor !== 'fleetdeck'),
  );
  for (const e of actions.slice(0, MAX_KEY_EVENTS))
    lines.push(`- ${utcText(e.at)}, ${inline(e.actor)}: ${inline(e.summary)}`);
  if (actions.length > MAX_KEY_EVENTS)
    lines.push(`- … ${actions.length - MAX_KEY_EVENTS} more in the timeline`);
  if (actions.length === 0) lines.push('- No actions recorded.');
  lines.push('');

  lines.push('## Follow-ups', '');
  lines.push(
    '- [ ] Root cause:',
    '- [ ] What would have detected it sooner:',
    '- [ ] What would prevent it:',
    '',
  );
  return lines.join('\n');
}
