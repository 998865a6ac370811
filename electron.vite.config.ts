import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// One build produces everything a user runs:
//   out/main      Electron main (index.js), the browser console host (console.js), the
//                 `fleetdeck` command line (cli.js, started by bin/fleetdeck)
//   out/preload   the sandboxed preload bridge
//   out/renderer  the UI, loaded by Electron from file:// and served by the console host
// Native and runtime dependencies stay external so the console host runs on plain Node.
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'electron/main/index.ts'),
          console: resolve(import.meta.dirname, 'src/server/console.main.ts'),
          cli: resolve(import.meta.dirname, 'src/cli/fleetdeck.main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require() our modules: bundle everything into one file.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    build: {
      // Parse time is first-paint time: ship the renderer minified (electron-vite does not by default).
      minify: true,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});
