import type { Incident, IncidentSummary, TimelineEntry } from '../../shared/contract/incident.schema';
import { flagSet, flagString } from '../cli-args';
import { printJson, type CliContext } from '../cli-command';
import { usageError } from '../cli-error';
import { textTable } from '../text-table';
import { clock, span } from '../time-text';

const numberFlag = (ctx: CliContext, name: string, fallback: number, max: number): number => {
  const text = flagString(ctx.args, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw usageError(`--${name} "${text}" is not a number from 1 to ${max}`, `write --${name} 20`);
  return n;
};

export async function listIncidents(ctx: CliContext): Promise<void> {
  const { io, json, args } = ctx;
  const query = flagString(args, 'query');
  const active = flagSet(args, 'active');
  const list = await ctx.client().call('incidents.list', {
    limit: numberFlag(ctx, 'limit', 200, 1000),
    ...(active ? { active } : {}),
    ...(query !== undefined ? { query } : {}),
  });
  if (json) return printJson(io, list);
  if (list.length === 0) {
    io.out(query || active ? 'No incidents match.' : 'No incidents yet.');
    return;
  }
  const now = Date.now();
  io.out(
    textTable(
      ['ID', 'SEV', 'STATE', 'STARTED', 'FOR', 'ENDPOINTS', 'TITLE'],
      list.map((i) => [
        i.id,
        i.severity,
        i.importedFrom ? `${i.state} (imported)` : i.state,
        clock(i.startedAt, true),
        span((i.resolvedAt ?? now) - i.startedAt),
        String(i.endpointCount),
        i.title,
      ]),
      ['left', 'left', 'left', 'left', 'right', 'right', 'left'],
    ),
  );
}

export async function showIncident(ctx: CliContext, id: string): Promise<void> {
  const { io, json } = ctx;
  const entries = numberFlag(ctx, 'entries', 20, 20_000);
  const incident = await ctx.client().call('incidents.get', { id, limit: json ? 10_000 : entries });
  if (json) return printJson(io, incident);
  io.out(describe(incident, entries));
}

const at = (t: number | null) => (t === null ? '–' : clock(t, true));

function describe(i: Incident, entries: number): string {
  const after = (t: number | null) => (t === null ? '' : ` (${span(t - i.startedAt)} after start)`);
  const lines = [
    `${i.id}  ${i.title}`,
    `Severity   ${i.severity} · ${i.state}${i.owner ? ` · owner ${i.owner}` : ''} · ${i.origin === 'auto' ? 'opened automatically' : 'opened by hand'}`,
    ...(i.importedFrom ? [`Imported   from ${i.importedFrom} (a read-only record)`] : []),
    `Started    ${at(i.startedAt)}`,
    `Detected   ${at(i.detectedAt)}${after(i.detectedAt)}`,
    `Mitigated  ${at(i.mitigatedAt)}${after(i.mitigatedAt)}`,
    `Resolved   ${at(i.resolvedAt)}${after(i.resolvedAt)}`,
    `Signals    ${i.signals.join(', ') || '–'}`,
    '',
  ];
  if (i.endpoints.length) {
    lines.push(
      textTable(
        ['ENDPOINT', 'MODEL', 'CLUSTER', 'HEALTH', 'REASON'],
        i.endpoints.map((e) => [e.id, e.model, e.cluster, e.health, e.reason]),
      ),
      '',
    );
  } else lines.push('No endpoints.', '');
  const shown = i.timeline.slice(-entries);
  const hidden = i.entryCount - shown.length;
  lines.push(`Timeline (${i.entryCount} entries${hidden > 0 ? `, the last ${shown.length} shown` : ''}):`);
  for (const e of shown) lines.push(entryLine(e));
  if (i.suggestions.length) {
    lines.push('', 'Suggested runbooks:');
    for (const s of i.suggestions) lines.push(`  ${s.runbookId} on ${s.endpointId}: ${s.why}`);
  }
  return lines.join('\n');
}

function entryLine(e: TimelineEntry): string {
  return `  ${clock(e.at, true)}  ${e.kind.padEnd(12)} ${e.actor}: ${e.summary.replace(/\s+/g, ' ')}`;
}

export const stateLine = (i: IncidentSummary) =>
  `${i.id} is ${i.state}${i.owner ? ` (owner ${i.owner})` : ''}: ${i.title}`;
