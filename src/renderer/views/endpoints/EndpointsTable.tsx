import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, type KeyboardEvent } from 'react';
import type { Endpoint } from '../../../shared/contract/index';
import type { ConnectionState } from '../../../shared/api/fleet-api';
import { formatMetric } from '../../../shared/fleet/format';
import { columns, gridTemplate } from './columns';
import type { TableRow } from './endpoint-rows';
import { HealthBadge, healthWords } from './endpoint-icons';
import { freshnessWords } from './freshness-words';
import type { SortKey } from './url-state';
import { detailHash } from './url-state';
import { EndpointIncidentBadge } from '../incidents/IncidentBadges';

export const ROW_HEIGHT = 32;

interface Props {
  rows: TableRow[];
  sort: SortKey;
  order: 'asc' | 'desc';
  onSort(key: SortKey): void;
  selectedKey: string | null;
  onSelect(key: string): void;
  onToggleGroup(key: string): void;
  connection: ConnectionState;
  timeFormat: '24h' | '12h';
}

export const rowKey = (row: TableRow): string =>
  row.kind === 'group' ? `group:${row.key}` : row.endpoint.id;

const EndpointCells = memo(function EndpointCells({
  e,
  connection,
  timeFormat,
}: {
  e: Endpoint;
  connection: ConnectionState;
  timeFormat: '24h' | '12h';
}) {
  const fresh = freshnessWords(e.freshness, connection, timeFormat);
  const spend = e.metrics.spend_per_hour?.value ?? e.hourlyPriceUsd;
  return (
    <>
      <div className="cell cell-name" role="gridcell">
        <a className="link" href={detailHash(e.id)} tabIndex={-1}>
          {e.name}
        </a>
        <EndpointIncidentBadge endpointId={e.id} compact />
      </div>
      <div className="cell" role="gridcell">
        {e.model}
      </div>
      <div className="cell" role="gridcell">
        {e.version}
      </div>
      <div className="cell" role="gridcell">
        {e.source}
      </div>
      <div className="cell" role="gridcell">
        {e.cluster}
      </div>
      <div className="cell" role="gridcell">
        {e.region}
      </div>
      <div className={`cell num${e.replicas.ready < e.replicas.desired ? ' short' : ''}`} role="gridcell">
        {e.replicas.ready}/{e.replicas.desired}
      </div>
      <div className="cell num" role="gridcell">
        {e.gpus}
      </div>
      <div className="cell num" role="gridcell">
        {formatMetric('request_rate', e.metrics.request_rate?.value).replace(' req/s', '')}
      </div>
      <div className="cell num" role="gridcell">
        {formatMetric('latency_p95', e.metrics.latency_p95?.value)}
      </div>
      <div className="cell num" role="gridcell">
        {formatMetric('ttft_p95', e.metrics.ttft_p95?.value)}
      </div>
      <div className="cell num" role="gridcell">
        {formatMetric('error_rate', e.metrics.error_rate?.value)}
      </div>
      <div className="cell num" role="gridcell">
        {spend === null || spend === undefined ? '—' : `$${spend.toFixed(2)}`}
      </div>
      <div className="cell" role="gridcell">
        <HealthBadge
          status={e.health.status}
          reason={e.health.status === 'ok' ? undefined : e.health.reason}
        />
      </div>
      <div className={`cell fresh fresh-${fresh.kind}`} role="gridcell" data-freshness={fresh.kind}>
        {fresh.label}
      </div>
    </>
  );
});

/**
 * The virtualised grid: only the rows in view (plus a few) are in the DOM, so 10,000 endpoints
 * scroll like 50. Rows are positioned absolutely at a fixed height, which keeps the virtualiser
 * exact and layout cheap.
 */
export function EndpointsTable(props: Props) {
  const { rows, sort, order, onSort, selectedKey, onSelect, onToggleGroup, connection, timeFormat } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => rowKey(rows[index]!),
  });
  const selectedIndex = selectedKey === null ? -1 : rows.findIndex((r) => rowKey(r) === selectedKey);

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
    // Only when the selection moves, not on every live update.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedKey]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (rows.length === 0) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 320) / ROW_HEIGHT) - 1);
    const at = selectedIndex;
    let next: number | null = null;
    switch (event.key) {
      case 'ArrowDown':
        next = Math.min(rows.length - 1, at + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, at - 1);
        break;
      case 'PageDown':
        next = Math.min(rows.length - 1, Math.max(0, at) + page);
        break;
      case 'PageUp':
        next = Math.max(0, at - page);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = rows.length - 1;
        break;
      case 'Enter':
      case ' ': {
        const row = rows[at];
        if (!row) return;
        event.preventDefault();
        if (row.kind === 'group') onToggleGroup(row.key);
        else if (event.key === 'Enter') window.location.hash = detailHash(row.endpoint.id);
        return;
      }
      case 'ArrowLeft':
      case 'ArrowRight': {
        const row = rows[at];
        if (row?.kind === 'group' && row.collapsed === (event.key === 'ArrowRight')) {
          event.preventDefault();
          onToggleGroup(row.key);
        }
        return;
      }
      default:
        return;
    }
    event.preventDefault();
    onSelect(rowKey(rows[next]!));
  };

  const items = virtualizer.getVirtualItems();
  const activeId = selectedIndex >= 0 ? `endpoint-row-${selectedIndex}` : undefined;
  return (
    <div
      className="ep-table"
      role="grid"
      aria-label="Endpoints"
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length}
      data-testid="endpoints-table"
      data-row-count={rows.length}
    >
      <div
        className="ep-row ep-head"
        role="row"
        aria-rowindex={1}
        style={{ gridTemplateColumns: gridTemplate }}
      >
        {columns.map((c) => {
          const active = c.key === sort;
          return (
            <div
              key={c.key}
              className={`cell${c.numeric ? ' num' : ''}`}
              role="columnheader"
              aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}
              data-column={c.key}
            >
              <button
                type="button"
                className="sort-button"
                onClick={() => onSort(c.key)}
                data-testid={`sort-${c.key}`}
              >
                {c.label}
                {active ? (
                  <span className="sort-mark" aria-hidden="true">
                    {order === 'asc' ? '▲' : '▼'}
                  </span>
                ) : null}
              </button>
            </div>
          );
        })}
      </div>
      <div
        ref={scroller}
        className="ep-scroll"
        tabIndex={0}
        onKeyDown={onKeyDown}
        onFocus={() => {
          if (selectedIndex < 0 && rows[0]) onSelect(rowKey(rows[0]));
        }}
        aria-activedescendant={activeId}
        data-testid="endpoints-scroll"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index]!;
            const key = rowKey(row);
            const selected = key === selectedKey;
            const style = { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT };
            if (row.kind === 'group') {
              return (
                <div
                  key={key}
                  id={`endpoint-row-${item.index}`}
                  className={`ep-row ep-group${selected ? ' selected' : ''}`}
                  role="row"
                  aria-rowindex={item.index + 2}
                  aria-expanded={!row.collapsed}
                  aria-selected={selected}
                  style={style}
                  data-testid="group-row"
                  data-group={row.key}
                  onClick={() => {
                    onSelect(key);
                    onToggleGroup(row.key);
                  }}
                >
                  <div className="cell group-cell" role="gridcell">
                    <span className="group-caret" aria-hidden="true">
                      {row.collapsed ? '▸' : '▾'}
                    </span>
                    <strong>{row.key}</strong>
                    <span className="group-count">
                      {row.count} endpoint{row.count === 1 ? '' : 's'}
                    </span>
                    <span className="group-agg">{formatMetric('request_rate', row.requestRate)}</span>
                    <span className="group-agg">{row.gpus} GPUs</span>
                    <span className="group-agg">${row.spendPerHour.toFixed(2)}/h</span>
                    <span className="group-agg">
                      {(['critical', 'warning', 'unknown', 'ok'] as const)
                        .filter((h) => row.health[h] > 0)
                        .map((h) => `${row.health[h]} ${healthWords[h].toLowerCase()}`)
                        .join(' · ')}
                    </span>
                    <HealthBadge status={row.worst} />
                  </div>
                </div>
              );
            }
            const e = row.endpoint;
            return (
              <div
                key={key}
                id={`endpoint-row-${item.index}`}
                className={`ep-row${selected ? ' selected' : ''}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={selected}
                style={{ ...style, gridTemplateColumns: gridTemplate }}
                data-testid="endpoint-row"
                data-endpoint-id={e.id}
                data-health={e.health.status}
                onClick={() => onSelect(key)}
                onDoubleClick={() => (window.location.hash = detailHash(e.id))}
              >
                <EndpointCells e={e} connection={connection} timeFormat={timeFormat} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
