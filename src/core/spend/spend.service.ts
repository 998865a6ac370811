import type Database from 'better-sqlite3';
import type { Endpoint } from '../../shared/contract/fleet.schema';
import type { EventMessage } from '../../shared/contract/index';
import type {
  SpendGpuHours,
  SpendGroupBy,
  SpendMover,
  SpendOverview,
  SpendToday,
  SpendUnitCosts,
} from '../../shared/contract/spend.schema';
import { localDay } from '../../shared/fleet/spend';
import type { HandlerGroup } from '../commands/registry';
import { bucketWidths, SpendRecorder, type TickDelta } from './spend.recorder';
import { projectMonth } from './month-projection';
import { SpendQueries, type GroupStepRow } from './spend.queries';
import { chooseStep } from './spend-window';

/** What the spend service reads from the fleet service (its figures stay the fleet's). */
export interface SpendFleet {
  summary(): { spendPerHour: number };
  all(): Endpoint[];
  endpoint(id: string): Endpoint | undefined;
}

export interface SpendServiceOptions {
  db: Database.Database;
  fleet: SpendFleet;
  /** Subscribes to the core's events (the fleet ticks). */
  subscribe: (listener: (message: EventMessage) => void) => () => void;
  sourceName?: (sourceId: string) => string | undefined;
  now?: () => number;
}

export type SpendCommands = 'spend.overview' | 'spend.units' | 'spend.gpus' | 'spend.today';

/** Baseline for today's movers: the mean rate over the first ten minutes of data today. */
const BASELINE_SPAN_MS = 10 * 60_000;
const OTHER_KEY = '__other__';

/**
 * The Spend view's figures: spend over time by group, unit costs per model, GPU-hours by type,
 * today's total, movers and the projected month. Reads what the fleet service accrues
 * (spend_per_hour samples, spend_daily) and accrues GPU-hours itself on each fleet tick.
 */
export class SpendService {
  private readonly queries: SpendQueries;
  private readonly recorder: SpendRecorder;
  private readonly now: () => number;
  private tickAt: number | null = null;
  private readonly baselines = new Map<number, { since: number; base: { value: number; at: number } }>();
  private seeded = false;
  private readonly off: () => void;

  constructor(private readonly o: SpendServiceOptions) {
    this.now = o.now ?? Date.now;
    this.queries = new SpendQueries(o.db);
    this.recorder = new SpendRecorder(o.db);
    this.off = o.subscribe((message) => {
      if (message.event !== 'fleet.delta') return;
      const delta = message.payload as EventMessage<'fleet.delta'>['payload'];
      if (!this.seeded) {
        this.seeded = true;
        this.recorder.seed(o.fleet.all());
      }
      this.recorder.onTick(delta as TickDelta);
      this.tickAt = delta.at;
    });
  }

  stop(): void {
    this.off();
  }

  overview(q: {
    from: number;
    to: number;
    groupBy: SpendGroupBy;
    maxPoints: number;
    maxGroups: number;
  }): SpendOverview {
    const now = this.now();
    // Steps are sized over the recorded part of the window, so a fleet recorded for ten
    // minutes gets a readable chart rather than a sliver at the end of a day.
    const first = this.firstRecorded(q.from, now);
    const dataFrom = first === null ? null : Math.max(q.from, first);
    const { width, stepMs, resolution } = chooseStep(dataFrom ?? q.from, q.to, q.maxPoints, now);
    const { rows, covered } =
      dataFrom === null
        ? { rows: [], covered: [] }
        : this.queries.groupSteps(q.groupBy, width, stepMs, dataFrom, q.to);
    const tickedMs = new Map(covered.map((c) => [c.t, c.ms]));
    const axis = covered.map((c) => c.t);
    const byKey = new Map<string, { rows: GroupStepRow[]; totalUsd: number; members: number }>();
    for (const r of rows) {
      const g = byKey.get(r.key) ?? { rows: [], totalUsd: 0, members: 0 };
      g.rows.push(r);
      g.totalUsd += r.usd;
      g.members = Math.max(g.members, r.n);
      byKey.set(r.key, g);
    }
    const ranked = [...byKey].sort((a, b) => b[1].totalUsd - a[1].totalUsd || a[0].localeCompare(b[0]));
    // Bounded for the chart: the top groups by spend, the rest summed into one series.
    const keep = ranked.length > q.maxGroups ? ranked.slice(0, q.maxGroups - 1) : ranked;
    const rest = ranked.slice(keep.length);
    const toPoints = (groupRows: GroupStepRow[]): Array<[number, number]> => {
      const usd = new Map<number, number>();
      for (const r of groupRows) usd.set(r.t, (usd.get(r.t) ?? 0) + r.usd);
      // USD in the step / time the fleet ticked in it = the group's mean spend per hour, which
      // is the sum of its endpoints' mean rates. Every series on one time axis, so they stack.
      return axis.map((t) => [t, ((usd.get(t) ?? 0) * 3_600_000) / Math.max(1, tickedMs.get(t) ?? 0)]);
    };
    const groups: SpendOverview['groups'] = keep.map(([key, g]) => ({
      key,
      label: this.label(q.groupBy, key),
      members: g.members,
      totalUsd: g.totalUsd,
      points: toPoints(g.rows),
    }));
    if (rest.length > 0) {
      groups.push({
        key: OTHER_KEY,
        label: `${rest.length} other ${q.groupBy === 'version' ? 'versions' : `${q.groupBy}s`}`,
        members: rest.length,
        totalUsd: rest.reduce((sum, [, g]) => sum + g.totalUsd, 0),
        points: toPoints(rest.flatMap(([, g]) => g.rows)),
      });
    }
    return {
      groupBy: q.groupBy,
      from: q.from,
      to: q.to,
      stepMs,
      resolution,
      groups,
      dataFrom,
      totalUsd: groups.reduce((sum, g) => sum + g.totalUsd, 0),
      dataAt: rows.length > 0 ? this.recorder.lastTickAt : null,
      at: now,
    };
  }

  /**
   * Where recorded spend begins at or after `from`: from the finest buckets while they are
   * kept (an hourly bucket would say 20:00 for a fleet started at 20:45), else the hourly ones.
   */
  private firstRecorded(from: number, now: number): number | null {
    const finest = bucketWidths[0]!;
    const coarsest = bucketWidths.at(-1)!;
    const hourly = this.queries.firstBucket(coarsest.width, from);
    if (hourly !== null && hourly < now - finest.keepMs) return hourly;
    return this.queries.firstBucket(finest.width, from) ?? hourly;
  }

  units(q: { from: number; to: number }): SpendUnitCosts {
    const now = this.now();
    const { width } = chooseStep(q.from, q.to, 1, now);
    const rows = this.queries.modelUnits(width, q.from, q.to);
    return {
      from: q.from,
      to: q.to,
      models: rows
        .filter((m) => m.usd > 0)
        .map((m) => ({
          model: m.model,
          endpoints: m.endpoints,
          spendUsd: m.usd,
          tokens: m.tokens,
          requests: m.requests,
          usdPer1kTokens: m.tokens > 0 ? (m.usd / m.tokens) * 1000 : null,
          usdPer1kRequests: m.requests > 0 ? (m.usd / m.requests) * 1000 : null,
        }))
        .sort((a, b) => b.spendUsd - a.spendUsd || a.model.localeCompare(b.model)),
      dataAt: rows.length > 0 ? this.recorder.lastTickAt : null,
      at: now,
    };
  }

  gpus(q: { from: number; to: number }): SpendGpuHours {
    const now = this.now();
    return {
      from: q.from,
      to: q.to,
      byType: this.queries.gpuHours(q.from, q.to),
      recordingSince: this.queries.gpuRecordingSince(),
      dataAt: this.recorder.lastTickAt,
      at: now,
    };
  }

  today(q: { moversLimit: number }): SpendToday {
    const now = this.now();
    const day = localDay(now);
    const today = this.queries.dailyTotal(day, day);
    const ratePerHour = this.o.fleet.summary().spendPerHour;
    const projection = projectMonth(now, 0, ratePerHour);
    const mtd = this.queries.dailyTotal(projection.firstDay, day).usd;
    const month = projectMonth(now, mtd, ratePerHour);
    const midnight = new Date(new Date(now).setHours(0, 0, 0, 0)).getTime();
    const ranked = this.movers(midnight).filter((m) => m.changeUsdPerHour !== 0);
    return {
      day,
      totalUsd: today.usd,
      endpoints: today.endpoints,
      ratePerHour,
      movers: {
        up: ranked
          .filter((m) => m.changeUsdPerHour > 0)
          .sort((a, b) => b.changeUsdPerHour - a.changeUsdPerHour)
          .slice(0, q.moversLimit)
          .map((m) => this.named(m)),
        down: ranked
          .filter((m) => m.changeUsdPerHour < 0)
          .sort((a, b) => a.changeUsdPerHour - b.changeUsdPerHour)
          .slice(0, q.moversLimit)
          .map((m) => this.named(m)),
        method:
          'Current spend rate vs the mean rate over the first 10 minutes of data today (from local midnight, or from when data began if later).',
      },
      projection: {
        month: month.month,
        monthToDateUsd: month.monthToDateUsd,
        hoursLeft: month.hoursLeft,
        projectedUsd: month.projectedUsd,
        method: month.method,
      },
      tickAt: this.tickAt,
      dataAt: this.recorder.lastTickAt,
      at: now,
    };
  }

  /** Every endpoint with spend today, its baseline and current rate (unsorted, not yet named). */
  movers(since: number): SpendMover[] {
    const out: SpendMover[] = [];
    for (const s of this.queries.spendSeries()) {
      const latest = this.queries.latest(s.id);
      if (!latest || latest.ts < since) continue;
      const base = this.baselineOf(s.id, since, latest.ts);
      if (!base) continue;
      const change = latest.value - base.value;
      out.push({
        endpointId: s.endpointId,
        name: s.endpointId,
        model: '',
        cluster: '',
        baselineUsdPerHour: base.value,
        baselineAt: base.at,
        currentUsdPerHour: latest.value,
        changeUsdPerHour: Math.abs(change) < 1e-9 ? 0 : change,
        changeRatio: base.value > 0 ? change / base.value : null,
      });
    }
    return out;
  }

  /**
   * A series' baseline for the day starting at `since`. Once its first ten minutes are over it
   * cannot change, so it is kept for the day: a refresh then costs one index seek per endpoint.
   */
  private baselineOf(seriesId: number, since: number, newest: number) {
    const cached = this.baselines.get(seriesId);
    if (cached && cached.since === since) return cached.base;
    const base = this.queries.baseline(seriesId, since, BASELINE_SPAN_MS);
    if (base && newest >= base.at + BASELINE_SPAN_MS) this.baselines.set(seriesId, { since, base });
    return base;
  }

  /** Names only the movers shown (a lookup per endpoint would be 10,000 at fleet scale). */
  private named(m: SpendMover): SpendMover {
    const e = this.o.fleet.endpoint(m.endpointId);
    return e ? { ...m, name: e.name, model: e.model, cluster: e.cluster } : m;
  }

  private label(groupBy: SpendGroupBy, key: string): string {
    if (groupBy === 'source') return this.o.sourceName?.(key) ?? key;
    return key;
  }
}

/** The spend commands over one service, spread into the core's HandlerMap (src/core/core.ts). */
export function spendHandlers(service: SpendService): HandlerGroup<SpendCommands> {
  return {
    'spend.overview': (q) => service.overview(q),
    'spend.units': (q) => service.units(q),
    'spend.gpus': (q) => service.gpus(q),
    'spend.today': (q) => service.today(q),
  };
}
