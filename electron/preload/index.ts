// Sandboxed preload (built to out/preload/index.cjs as ONE file: a sandboxed preload can
// require() nothing but 'electron', so the contract is bundled in).
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL } from '../../src/shared/api/bridge';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createBridge(ipcRenderer));
