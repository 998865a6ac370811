import type { EndpointRecord, NodeRecord } from '../../fleet/inventory.types';
import type { Exposition } from './exposition.parser';

/** GPU figures for one endpoint: the GPUs its pods hold, as the nodes' DCGM exporters report them. */
export interface GpuFigures {
  /** Mean DCGM_FI_DEV_GPU_UTIL over its GPUs, as a ratio 0..1. */
  util: number | null;
  /** Sum of DCGM_FI_DEV_FB_USED over its GPUs, bytes (DCGM reports MiB). */
  memBytes: number | null;
  gpus: number;
  at: number;
}

/** Node exporters to read: every node of an endpoint in scope that says where its exporter is. */
export function gpuExporterTargets(
  endpoints: readonly EndpointRecord[],
  node: (id: string) => NodeRecord | undefined,
): string[] {
  const urls = new Set<string>();
  for (const e of endpoints) {
    for (const name of e.nodes) {
      const url = node(`${e.cluster}:${name}`)?.metricsUrl;
      if (url) urls.add(url);
    }
  }
  return [...urls];
}

/**
 * Maps DCGM series to endpoints through the `namespace` and `pod` labels the exporter puts on a
 * GPU held by a pod (dcgm-exporter's Kubernetes pod mapping); GPUs held by nobody are skipped.
 */
export function gpuFiguresByEndpoint(
  readings: ReadonlyArray<{ exposition: Exposition; at: number; cluster: string }>,
  endpoints: readonly EndpointRecord[],
): Map<string, GpuFigures> {
  const byPod = new Map<string, string>();
  for (const e of endpoints)
    for (const p of e.pods) byPod.set(`${e.cluster}/${e.namespace ?? ''}/${p.name}`, e.id);
  const acc = new Map<
    string,
    { utilSum: number; utilN: number; mem: number; memN: number; gpus: Set<string>; at: number }
  >();
  const entry = (id: string, at: number) => {
    let a = acc.get(id);
    if (!a) acc.set(id, (a = { utilSum: 0, utilN: 0, mem: 0, memN: 0, gpus: new Set(), at }));
    a.at = Math.max(a.at, at);
    return a;
  };
  for (const { exposition, at, cluster } of readings) {
    for (const s of exposition.samples.get('DCGM_FI_DEV_GPU_UTIL') ?? []) {
      const id = byPod.get(`${cluster}/${s.labels.namespace ?? ''}/${s.labels.pod ?? ''}`);
      if (!id || !Number.isFinite(s.value)) continue;
      const a = entry(id, at);
      a.utilSum += s.value / 100;
      a.utilN++;
      a.gpus.add(s.labels.UUID ?? `${s.labels.Hostname}/${s.labels.gpu}`);
    }
    for (const s of exposition.samples.get('DCGM_FI_DEV_FB_USED') ?? []) {
      const id = byPod.get(`${cluster}/${s.labels.namespace ?? ''}/${s.labels.pod ?? ''}`);
      if (!id || !Number.isFinite(s.value)) continue;
      const a = entry(id, at);
      a.mem += s.value * 1024 * 1024;
      a.memN++;
    }
  }
  const out = new Map<string, GpuFigures>();
  for (const [id, a] of acc) {
    out.set(id, {
      util: a.utilN > 0 ? a.utilSum / a.utilN : null,
      memBytes: a.memN > 0 ? a.mem : null,
      gpus: a.gpus.size,
      at: a.at,
    });
  }
  return out;
}
