import type { StateCreator } from 'zustand';
import type { FleetApi } from '../../shared/api/fleet-api';
import type { AppSlice } from './app.slice';
import type { DemoSlice } from './demo.slice';
import type { EndpointDetailSlice } from './endpoint-detail.slice';
import type { FleetDataSlice } from './fleet-data.slice';
import type { SettingsSlice } from './settings.slice';
import type { SourcesSlice } from './sources.slice';
import type { SpendSlice } from './spend.slice';
import type { TerminalsSlice } from './terminals.slice';
import type { RunbooksSlice } from './runbooks.slice';
import type { RolloutsSlice } from './rollouts.slice';
import type { IncidentsSlice } from './incidents.slice';
import type { IncidentDetailSlice } from './incident-detail.slice';
import type { HealingSlice } from './healing.slice';
import type { UiSlice } from './ui.slice';

export type FleetState = AppSlice &
  SettingsSlice &
  UiSlice &
  SourcesSlice &
  DemoSlice &
  FleetDataSlice &
  SpendSlice &
  EndpointDetailSlice &
  TerminalsSlice &
  RunbooksSlice &
  RolloutsSlice &
  IncidentsSlice &
  IncidentDetailSlice &
  HealingSlice;

export type SliceCreator<T> = StateCreator<FleetState, [], [], T>;

/** What slice actions reach outside the store through; tests pass fakes. */
export interface StoreDeps {
  api: FleetApi;
  now: () => number;
  /** Changes the address bar's hash (window.location.hash in the app). */
  setHash: (hash: string) => void;
}
