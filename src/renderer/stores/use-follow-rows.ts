import { useContext, useEffect } from 'react';
import { FleetStoreContext } from './fleet.store';

/**
 * For a view that shows endpoints' live figures (the table, an endpoint's detail, the topology):
 * while it is mounted the window follows every endpoint's figures (`fleet.delta`), not only the
 * fleet's pulse. See FleetDataSlice.followRows.
 */
export function useFollowRows(): void {
  const store = useContext(FleetStoreContext);
  useEffect(() => store?.getState().followRows(), [store]);
}
