import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FleetService } from '../../../src/core/fleet/fleet.service';
import { silentLogger } from '../../../src/core/log/logger';
import { createRunbookPlane } from '../../../src/core/runbooks/runbook-plane';
import { SettingsService } from '../../../src/core/settings/settings.service';
import type { TerminalHost } from '../../../src/core/terminal/terminal.types';
import type { Incident } from '../../../src/shared/contract/incident.schema';
import { harnessPerTest, type Extras, type Harness } from './detector-harness';

const EP = 'prod-us-east:llm:llama-8b-chat';
const resourcesDir = resolve(import.meta.dirname, '..', '..', '..', 'resources');

/**
 * Suggested runbooks come from the real runbook library (the built-ins in resources/runbooks),
 * read through runbooks.list and runbooks.get: local files, so they answer offline.
 */
describe('suggested runbooks for an incident', () => {
  const harness = harnessPerTest('fleetdeck-suggest-');
  function start(): Harness {
    const extras: Extras = ({ db, bus }) => {
      const runbooks = createRunbookPlane({
        db,
        log: silentLogger,
        bus,
        settings: new SettingsService(db, silentLogger),
        resourcesDir,
        fleet: { endpoint: (id: string) => harness.current()?.fleet.get(id) } as unknown as FleetService,
        // Suggestions never start a run, so no terminal is ever opened.
        terminals: {} as TerminalHost,
      });
      return { handlers: runbooks.handlers, close: () => runbooks.close() };
    };
    return harness.start([[EP, { model: 'llama-3.1-8b-instruct' }]], extras);
  }
  const get = async (h: Harness) =>
    (await h.call('incidents.get', { id: h.incidents()[0]!.id, limit: 50 })) as Incident;

  it('puts the runbooks matching most of its signals first, with why, bound to the endpoint', async () => {
    const h = start();
    h.tick([
      {
        id: EP,
        status: 'critical',
        reason: 'p95 31 s > 24 s for 2 min',
        metrics: { queue_depth: { value: 20, at: h.clock.t } },
      },
    ]);
    const incident = await get(h);
    expect(incident.signals).toEqual(['latency_p95', 'queue_depth']);
    const ids = incident.suggestions.map((s) => s.runbookId);
    expect(new Set(ids.slice(0, 2))).toEqual(new Set(['scale-out', 'latency-diagnostics']));
    expect(incident.suggestions[0]).toMatchObject({
      why: 'matches latency_p95, queue_depth',
      endpointId: EP,
    });
    expect(ids).toContain('rollback-model-version');
    expect(ids).not.toContain('restart-crashloop-pods');
    expect(ids).not.toContain('cordon-drain-gpu-node');
    expect(incident.suggestions.length).toBeLessThanOrEqual(5);
  });

  it('suggests the GPU runbook for a GPU fault, even once the endpoint has left the fleet', async () => {
    const h = start();
    h.tick([{ id: EP, status: 'critical', reason: '0 of 3 replicas ready; GPU Xid 79 on node h100-1' }]);
    h.fleet.delete(EP);
    const incident = await get(h);
    expect(incident.signals).toEqual(['crash_loop', 'gpu_fault']);
    expect(incident.suggestions[0]).toMatchObject({
      runbookId: 'cordon-drain-gpu-node',
      why: 'matches crash_loop, gpu_fault',
      endpointId: EP,
    });
    expect(incident.suggestions.map((s) => s.runbookId)).toContain('restart-crashloop-pods');
  });
});
