import { useCallback, useMemo, useRef } from 'react';
import type { Endpoint, HealthStatus } from '../../../shared/contract/index';
import { formatMetric } from '../../../shared/fleet/format';
import { chartPalette } from '../../charts/chart-theme';
import { EChart } from '../../charts/EChart';
import { echarts, type ECElementEvent, type EChartsCoreOption } from '../../charts/echarts-setup';
import { healthGlyph, healthWords } from './fleet-model';
import { buildTopology, type TopologyNode, type TopologySize } from './fleet-topology-model';
import { endpointHash, openHash } from './fleet-url';

/** Calm fills: a healthy fleet reads as quiet tints, and critical is the one thing that shouts. */
const fills: Record<'light' | 'dark', Record<HealthStatus, string>> = {
  light: { ok: '#cfe6d8', warning: '#f3d99c', critical: '#e9878b', unknown: '#e1e3e8' },
  dark: { ok: '#25443a', warning: '#6e5422', critical: '#8f2f36', unknown: '#30333a' },
};

/** Past this many endpoints the treemap opens three levels deep; clicking a model drills in. */
const DEEP_FLEET = 2_000;

const esc = (text: string) => echarts.format.encodeHTML(text);
const levelWords: Record<TopologyNode['level'], string> = {
  source: 'Source',
  cluster: 'Cluster',
  model: 'Model',
  version: 'Version',
  endpoint: 'Endpoint',
  more: 'Smaller endpoints, folded',
};

interface TreemapItem {
  id: string;
  name: string;
  value: number;
  health: HealthStatus;
  node: TopologyNode;
  itemStyle: { color: string };
  children?: TreemapItem[];
}

function toItems(nodes: TopologyNode[], fill: Record<HealthStatus, string>): TreemapItem[] {
  return nodes.map((n) => ({
    id: n.id,
    name: n.name,
    value: n.value,
    health: n.health,
    node: n,
    itemStyle: { color: fill[n.health] },
    ...(n.children ? { children: toItems(n.children, fill) } : {}),
  }));
}

function tooltipHtml(n: TopologyNode): string {
  const c = n.counts;
  const counts = (['critical', 'warning', 'unknown', 'ok'] as const)
    .filter((k) => c[k] > 0)
    .map((k) => `${healthGlyph[k]} ${c[k]} ${healthWords[k].toLowerCase()}`)
    .join(' · ');
  return (
    `<div class="fleet-tip"><div class="muted">${levelWords[n.level]}</div><strong>${esc(n.name)}</strong>` +
    `<div>${healthGlyph[n.health]} ${healthWords[n.health]}${n.level === 'endpoint' ? '' : ` — ${counts}`}</div>` +
    `<div>${esc(formatMetric('request_rate', n.requestRate))} · ${esc(formatMetric('spend_per_hour', n.spendPerHour))}</div>` +
    (n.level === 'endpoint' ? '<div class="muted">Click to open the endpoint</div>' : '') +
    '</div>'
  );
}

/**
 * The fleet as a treemap: source -> cluster -> model -> version -> endpoint, filled by health
 * (with the health glyph in each label), sized by traffic or spend.
 */
export function FleetTopology({
  endpoints,
  size,
  theme,
}: {
  endpoints: ReadonlyMap<string, Endpoint>;
  size: TopologySize;
  theme: 'light' | 'dark';
}) {
  const palette = chartPalette(theme);
  const tree = useMemo(() => buildTopology(endpoints.values(), size), [endpoints, size]);
  const deep = tree.counts.total > DEEP_FLEET;
  const option = useMemo<EChartsCoreOption>(() => {
    const fill = fills[theme];
    const upper = (height: number) => ({
      show: true,
      height,
      color: palette.text,
      fontSize: 11,
      formatter: (p: { data: TreemapItem }) => `${healthGlyph[p.data.health]} ${p.data.name}`,
    });
    return {
      animation: false,
      tooltip: {
        confine: true,
        backgroundColor: palette.panel,
        borderColor: palette.land,
        textStyle: { color: palette.text, fontSize: 12 },
        formatter: (p: { data?: TreemapItem }) => (p.data?.node ? tooltipHtml(p.data.node) : ''),
      },
      series: [
        {
          id: 'topology',
          type: 'treemap',
          name: 'Fleet',
          left: 0,
          right: 0,
          top: 0,
          bottom: 28,
          roam: false,
          nodeClick: 'zoomToNode',
          leafDepth: deep ? 3 : undefined,
          visibleMin: 80,
          breadcrumb: {
            show: true,
            bottom: 0,
            itemStyle: {
              color: palette.land,
              borderColor: palette.panel,
              textStyle: { color: palette.text },
            },
          },
          label: {
            show: true,
            color: palette.text,
            fontSize: 11,
            lineHeight: 15,
            position: 'insideTopLeft',
            padding: [4, 6],
            overflow: 'truncate',
            formatter: (p: { data: TreemapItem }) =>
              `${healthGlyph[p.data.health]} ${p.data.name}\n${
                size === 'spend'
                  ? formatMetric('spend_per_hour', p.data.node.spendPerHour)
                  : formatMetric('request_rate', p.data.node.requestRate)
              }`,
          },
          itemStyle: { borderColor: palette.panel },
          levels: [
            { itemStyle: { borderWidth: 0, gapWidth: 6 } },
            { itemStyle: { borderColor: palette.land, borderWidth: 4, gapWidth: 4 }, upperLabel: upper(22) },
            { itemStyle: { borderColor: palette.land, borderWidth: 3, gapWidth: 2 }, upperLabel: upper(20) },
            { itemStyle: { borderColor: palette.land, borderWidth: 2, gapWidth: 1 }, upperLabel: upper(18) },
            { itemStyle: { borderColor: palette.land, borderWidth: 1, gapWidth: 1 }, upperLabel: upper(16) },
            { itemStyle: { borderColor: palette.panel, borderWidth: 1 } },
          ],
          data: toItems(tree.roots, fill),
        },
      ],
    };
  }, [tree, theme, palette, size, deep]);
  const box = useRef<HTMLDivElement>(null);
  const onRendered = useCallback(() => box.current?.setAttribute('data-rendered', 'true'), []);
  const onClick = useCallback((event: ECElementEvent) => {
    const item = event.data as TreemapItem | undefined;
    const id = item?.node?.endpointId;
    if (id) openHash(endpointHash(id));
  }, []);
  const unhealthy = useMemo(() => {
    const ids: string[] = [];
    for (const e of endpoints.values()) {
      if (e.health.status === 'critical' || e.health.status === 'warning')
        ids.push(`${e.id}=${e.health.status}`);
      if (ids.length >= 200) break;
    }
    return ids.join(' ');
  }, [endpoints]);
  return (
    <div
      className="fleet-topology"
      ref={box}
      data-testid="fleet-topology"
      data-size={size}
      data-endpoints={tree.counts.total}
      data-ok={tree.counts.ok}
      data-warning={tree.counts.warning}
      data-critical={tree.counts.critical}
      data-unknown={tree.counts.unknown}
      data-leaves={tree.leaves}
      data-unhealthy={unhealthy}
    >
      <EChart
        className="fleet-topology-chart"
        option={option}
        onClick={onClick}
        onRendered={onRendered}
        ariaLabel={`Treemap of ${tree.counts.total} endpoints by source, cluster, model and version, sized by ${size}`}
      />
      {deep ? (
        <p className="fleet-note">
          {tree.counts.total.toLocaleString('en-US')} endpoints: showing sources to models; click a model to
          see its versions and endpoints.
        </p>
      ) : null}
    </div>
  );
}
