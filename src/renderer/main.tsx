// Dev only: loads React Refresh's preamble as a module, since our CSP forbids the inline script
// @vitejs/plugin-react would otherwise need. An empty module in production builds.
import '@vitejs/plugin-react/preamble';
import './zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { fleetApi } from './api/fleet-client';
import { Shell } from './shell/Shell';
import { createFleetStore, FleetStoreContext } from './stores/fleet.store';
import './styles/theme.css';
import './styles/shell.css';

const store = createFleetStore({
  api: fleetApi(),
  now: () => Date.now(),
  setHash: (hash) => {
    window.location.hash = hash;
  },
});

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <FleetStoreContext value={store}>
      <Shell />
    </FleetStoreContext>
  </StrictMode>,
);
