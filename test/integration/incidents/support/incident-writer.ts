/**
 * A stand-in for a console writing an incident as it happens, for the crash test: opens the real
 * store (WAL, synchronous=FULL, migrations) on a data directory and writes through the real
 * IncidentService as fast as it can — entries small and large (chart snapshots of a few hundred
 * KB), state moves, new incidents — until it is killed. Prints "batch" after every few writes.
 *
 * Run: node --import tsx incident-writer.ts <dataDir> <seed>
 */
import type { MetricSnapshot, TimelineKind } from '../../../../src/shared/contract/incident.schema';
import { EventBus } from '../../../../src/core/events/event-bus';
import { IncidentService } from '../../../../src/core/incidents/incident.service';
import { IncidentStore } from '../../../../src/core/incidents/incident.store';
import { silentLogger } from '../../../../src/core/log/logger';
import { openStore } from '../../../../src/core/store/database';
import { seededRandom } from '../../../../src/demo/world/daily-pattern';

const [dataDir, seedText] = process.argv.slice(2);
if (!dataDir || !seedText) throw new Error('usage: incident-writer.ts <dataDir> <seed>');
const random = seededRandom(Number(seedText));

const store = openStore({ dataDir, log: silentLogger });
const incidents = new IncidentService({
  store: new IncidentStore(store.db),
  bus: new EventBus(),
  log: silentLogger,
  now: Date.now,
});

const openOne = () =>
  incidents.open(
    {
      title: `crash test ${Date.now()}`,
      severity: 'sev3',
      origin: 'manual',
      groupKey: 'crash test',
      signals: ['latency_p95'],
      startedAt: Date.now(),
      detectedAt: Date.now(),
      endpoints: [
        {
          id: 'c:ns:ep',
          name: 'ep',
          model: 'm',
          version: 'v1',
          cluster: 'c',
          region: 'r',
          namespace: 'ns',
          joinedAt: Date.now(),
          health: 'critical',
          reason: 'p95 over',
        },
      ],
    },
    { actor: 'crash-test', summary: 'Opened by the crash test' },
  ).id;

const bigSnapshot = (): MetricSnapshot => {
  const from = Date.now() - 600_000;
  return {
    metric: 'latency_p95',
    from,
    to: from + 600_000,
    threshold: 12,
    series: Array.from({ length: 4 }, (_, s) => ({
      endpointId: `c:ns:ep-${s}`,
      label: `ep-${s} ${'x'.repeat(40)}`,
      points: Array.from({ length: 4000 }, (_, i): [number, number] => [from + i * 150, random() * 20]),
    })),
  };
};

let id = incidents.store.active()[0]?.id ?? openOne();
const kinds: TimelineKind[] = ['health', 'note', 'k8s_event', 'pod_restart', 'run', 'action'];
let n = 0;
const BATCH = 5;

function batch(): void {
  for (let i = 0; i < BATCH; i++) {
    n++;
    const roll = random();
    if (roll < 0.03) id = openOne();
    else if (roll < 0.08) {
      const state = incidents.store.summary(id).state;
      incidents.transition(id, state === 'open' ? 'acknowledge' : 'reopen', 'crash-test');
    } else if (roll < 0.35)
      incidents.record(id, {
        at: Date.now(),
        kind: 'snapshot',
        actor: 'fleetdeck',
        summary: `chart ${n}`,
        snapshot: bigSnapshot(),
      });
    else
      incidents.record(id, {
        at: Date.now(),
        kind: kinds[Math.floor(random() * kinds.length)]!,
        actor: 'fleetdeck',
        endpointId: 'c:ns:ep',
        summary: `entry ${n} ${'é'.repeat(Math.floor(random() * 200))}`,
        detail: { n, text: 'y'.repeat(Math.floor(random() * 5000)), ok: random() < 0.5 },
        ref: { runId: `run-${n}`, fromSeq: n, toSeq: n + 1 },
      });
  }
  // One line per batch written; the parent kills after a seeded number of them. Yielding
  // between batches lets the line out; the writes themselves never wait.
  process.stdout.write('batch\n');
  setImmediate(batch);
}
batch();
