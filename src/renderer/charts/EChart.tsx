import { useEffect, useRef } from 'react';
import { echarts, type ECElementEvent, type EChartsCoreOption, type EChartsType } from './echarts-setup';

export interface EChartProps {
  option: EChartsCoreOption;
  /**
   * Replace the whole option instead of merging. Leave false for live updates: series keep
   * stable ids and merge in place (perf notes, "update with setOption on stable series ids").
   */
  notMerge?: boolean;
  onClick?: (event: ECElementEvent) => void;
  /** Called after each render that followed a setOption (ECharts' `finished`), with the chart. */
  onRendered?: (chart: EChartsType) => void;
  /**
   * Called after the user pans or zooms the chart's first geo component, with where it now
   * looks: for a layer beneath that must follow (the fleet map's world).
   */
  onGeoRoam?: (view: GeoView) => void;
  className?: string;
  /** What the chart shows, for screen readers; omit for a purely decorative layer. */
  ariaLabel?: string;
  testId?: string;
}

/** Where a geo component looks: its centre (degrees) and zoom. */
export interface GeoView {
  center?: number[];
  zoom: number;
}

/** Where a chart's first geo component looks now; null without one. */
export function geoViewOf(chart: EChartsType): GeoView | null {
  const geo = (chart.getOption() as { geo?: Array<{ center?: number[] | null; zoom?: number }> }).geo?.[0];
  return geo ? { center: geo.center ?? undefined, zoom: geo.zoom ?? 1 } : null;
}

/**
 * One ECharts instance per panel for the panel's lifetime: created on mount, resized with its
 * box, disposed on unmount. Repeated init/dispose leaks (echarts #7442, #4105), so option changes
 * only ever call setOption on the same instance.
 */
export function EChart({
  option,
  notMerge = false,
  onClick,
  onRendered,
  onGeoRoam,
  className,
  ariaLabel,
  testId,
}: EChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const handlers = useRef({ onClick, onRendered, onGeoRoam });
  useEffect(() => {
    handlers.current = { onClick, onRendered, onGeoRoam };
  });
  const pendingRender = useRef(false);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const instance = echarts.init(element, null, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (event) => handlers.current.onClick?.(event as ECElementEvent));
    instance.on('georoam', () => {
      // The roam action has written the new centre and zoom into the geo's option.
      const view = geoViewOf(instance);
      if (view) handlers.current.onGeoRoam?.(view);
    });
    instance.on('finished', () => {
      if (!pendingRender.current) return;
      pendingRender.current = false;
      handlers.current.onRendered?.(instance);
    });
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => instance.resize());
    });
    observer.observe(element);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  // In merge mode only the top-level parts whose object changed are passed on: handing ECharts
  // an unchanged `geo` again makes it rebuild the world map's geometry on every live tick
  // (live-tick benchmark, issue 4), though nothing about the map moved.
  const applied = useRef<Record<string, unknown> | null>(null);
  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    const previous = applied.current;
    applied.current = option as Record<string, unknown>;
    let update: Record<string, unknown> = option as Record<string, unknown>;
    if (!notMerge && previous) {
      update = {};
      for (const [key, value] of Object.entries(option)) if (previous[key] !== value) update[key] = value;
      if (Object.keys(update).length === 0) return;
    }
    pendingRender.current = true;
    instance.setOption(update, { notMerge, lazyUpdate: true });
  }, [option, notMerge]);

  return ariaLabel === undefined ? (
    <div ref={box} className={className ?? 'chart'} aria-hidden="true" data-testid={testId} />
  ) : (
    <div ref={box} className={className ?? 'chart'} role="img" aria-label={ariaLabel} data-testid={testId} />
  );
}
