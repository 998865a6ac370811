// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

/**
 * Imports only flow downwards (ARCHITECTURE.md, "Layout"):
 *   renderer -> shared;  server, electron -> core -> shared.
 * Each zone lists the layers it must never reach. Relative and aliased paths are both caught
 * because the patterns match a path segment, not a whole specifier.
 */
// Our layers are reached by relative paths ('../../core/x'); a package path such as
// 'echarts/core' is not our core.
const layer = (name) => `^(\\.{1,2}/)+(.+/)?${name}(/|$)`;
const nodeBuiltins =
  '^(node:|(fs|path|os|child_process|net|http|https|crypto|worker_threads|stream|url|util)(/|$))';
const forbid = (...rules) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: rules.map(([regex, message]) => ({ regex, message })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: forbid(
      [layer('core'), 'src/shared is the contract: it must not import the core.'],
      [layer('server'), 'src/shared must not import the server host.'],
      [layer('renderer'), 'src/shared must not import the renderer.'],
      [layer('electron'), 'src/shared must not import the desktop host.'],
      ['^electron$', 'src/shared must not import Electron.'],
      [nodeBuiltins, 'src/shared is pure TypeScript: no Node built-ins.'],
    ),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...forbid(
        [layer('core'), 'The renderer reaches the core only through the FleetApi client (src/shared).'],
        [layer('server'), 'The renderer must not import the server host.'],
        [layer('electron'), 'The renderer must not import the desktop host.'],
        [layer('demo'), 'The renderer must not import the demo fleet.'],
        ['^electron$', 'The renderer runs sandboxed: no Electron imports.'],
        [nodeBuiltins, 'The renderer runs in a browser: no Node built-ins.'],
      ),
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: forbid(
      ['^electron$', 'The core never imports Electron; the desktop host adapts it.'],
      [layer('electron'), 'The core never imports the desktop host.'],
      [layer('renderer'), 'The core never imports the renderer.'],
      [layer('server'), 'The core never imports the server host.'],
    ),
  },
  {
    files: ['src/server/**/*.ts'],
    rules: forbid(
      ['^electron$', 'The console host runs without Electron.'],
      [layer('electron'), 'The console host must not import the desktop host.'],
      [layer('renderer'), 'The console host serves the built renderer; it must not import its source.'],
    ),
  },
  {
    files: ['electron/**/*.ts'],
    rules: forbid(
      [layer('renderer'), 'The desktop host loads the built renderer; it must not import its source.'],
      [layer('server'), 'The desktop host must not import the console host.'],
    ),
  },
  {
    // The desktop host offers the console's /api/v1 surface on loopback so the fleetdeck command
    // line reaches it too (issue 5): this one file may start the console server; no other file in
    // electron/ may import src/server, and nothing may import the console host's entry.
    files: ['electron/main/cli-access.ts'],
    rules: forbid(
      [layer('renderer'), 'The desktop host loads the built renderer; it must not import its source.'],
      ['(^|/)console\\.main(\\.ts)?$', 'The desktop host must not import the console host entry.'],
    ),
  },
  {
    // The command line is a client of /api/v1: the contract, and the core's data-dir and version
    // helpers only (it never opens the database or starts services).
    files: ['src/cli/**/*.ts'],
    rules: forbid(
      ['^electron$', 'The command line runs without Electron.'],
      [layer('electron'), 'The command line must not import the desktop host.'],
      [layer('renderer'), 'The command line must not import the renderer.'],
      [layer('demo'), 'The command line must not import the demo fleet.'],
    ),
  },
  {
    files: ['src/demo/**/*.ts'],
    rules: forbid(
      ['^electron$', 'The demo fleet runs without Electron.'],
      [layer('renderer'), 'The demo fleet must not import the renderer.'],
      [layer('electron'), 'The demo fleet must not import the desktop host.'],
    ),
  },
);
