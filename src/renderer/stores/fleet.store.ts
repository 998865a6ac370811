import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import { createAppSlice } from './app.slice';
import { createDemoSlice } from './demo.slice';
import { createEndpointDetailSlice } from './endpoint-detail.slice';
import { createFleetDataSlice } from './fleet-data.slice';
import { createSettingsSlice } from './settings.slice';
import { createSourcesSlice } from './sources.slice';
import { createSpendSlice } from './spend.slice';
import { createRunbooksSlice } from './runbooks.slice';
import { createRolloutsSlice } from './rollouts.slice';
import { createIncidentsSlice } from './incidents.slice';
import { createIncidentDetailSlice } from './incident-detail.slice';
import { createHealingSlice } from './healing.slice';
import type { FleetState, StoreDeps } from './store.types';
import { createTerminalsSlice } from './terminals.slice';
import { createUiSlice } from './ui.slice';

export type FleetStore = StoreApi<FleetState>;

/** One store for the window, made of domain slices (CONVENTIONS.md 4). */
export function createFleetStore(deps: StoreDeps): FleetStore {
  return createStore<FleetState>()((...a) => ({
    ...createAppSlice(deps)(...a),
    ...createSettingsSlice(deps)(...a),
    ...createUiSlice(deps)(...a),
    ...createSourcesSlice(deps)(...a),
    ...createDemoSlice(deps)(...a),
    ...createFleetDataSlice(deps)(...a),
    ...createSpendSlice(deps)(...a),
    ...createEndpointDetailSlice(deps)(...a),
    ...createTerminalsSlice(deps)(...a),
    ...createRunbooksSlice(deps)(...a),
    ...createRolloutsSlice(deps)(...a),
    ...createIncidentsSlice(deps)(...a),
    ...createIncidentDetailSlice(deps)(...a),
    ...createHealingSlice(deps)(...a),
  }));
}

export const FleetStoreContext = createContext<FleetStore | null>(null);

/** Selects one field from the store; components re-render only when that field changes. */
export function useFleet<T>(selector: (state: FleetState) => T): T {
  const store = useContext(FleetStoreContext);
  if (!store) throw new Error('useFleet needs a <FleetStoreContext> above it (see main.tsx).');
  return useStore(store, selector);
}

/** The effective colour scheme: the setting when it names one, otherwise the OS preference. */
export const selectTheme = (state: FleetState): 'light' | 'dark' =>
  state.settings && state.settings.theme !== 'system' ? state.settings.theme : state.osTheme;

export type { FleetState } from './store.types';
