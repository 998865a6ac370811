import { BRIDGE_GLOBAL, type FleetBridge } from '../../shared/api/bridge';
import { createFleetApi, type FleetApi, type FleetTransport } from '../../shared/api/fleet-api';
import { createBrowserHttpTransport } from './http.transport';
import { createIpcTransport } from './ipc.transport';

/** The desktop preload puts the bridge on window; a plain browser tab has none. */
export function findBridge(target: object): FleetBridge | null {
  const candidate = (target as Record<string, unknown>)[BRIDGE_GLOBAL];
  return candidate && typeof candidate === 'object' ? (candidate as FleetBridge) : null;
}

export function pickTransport(target: Window): FleetTransport {
  const bridge = findBridge(target);
  return bridge ? createIpcTransport(bridge) : createBrowserHttpTransport();
}

let api: FleetApi | null = null;

/** The one FleetApi for this window; every slice action goes through it. */
export function fleetApi(): FleetApi {
  api ??= createFleetApi(pickTransport(window));
  return api;
}
