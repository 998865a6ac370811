import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loginShell } from '../../../../src/core/terminal/shell-launch';
import { kubeconfigList, terminalEnv } from '../../../../src/core/terminal/terminal-env';
import { freshDir } from '../../../support/tmp';
import { ctx, demoEndpoint, startPlane, waitFor, type Harness } from './plane-harness';

let h: Harness | undefined;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  await h?.dispose();
  h = undefined;
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A bin/ with a `fleetdeck` that says where it is: proof that PATH finds ours first. */
function fakeBinDir(): string {
  const tmp = freshDir('fleetdeck-bin-');
  cleanups.push(tmp.cleanup);
  const file = join(tmp.dir, 'fleetdeck');
  writeFileSync(file, '#!/bin/sh\necho "fleetdeck-from-bin"\n');
  chmodSync(file, 0o755);
  return tmp.dir;
}

const report = [
  'FLEETDECK_URL',
  'FLEETDECK_TOKEN',
  'FLEETDECK_DATA_DIR',
  'FLEETDECK_ENDPOINT',
  'FLEETDECK_CONTEXT',
  'FLEETDECK_NAMESPACE',
  'FLEETDECK_DEPLOYMENT',
  'FLEETDECK_MODEL',
  'FLEETDECK_RUN_ID',
  'KUBECONFIG',
  'TERM',
  'COLORTERM',
]
  // The names are printf arguments, so the echoed command line never looks like a result.
  .map((name) => `printf '<%s=%s>\\n' ${name} "$${name}"`)
  .join('; ');

const value = (text: string, name: string) => new RegExp(`<${name}=([^>\\r\\n]*)>`).exec(text)?.[1];

describe('the fleet context of a terminal', () => {
  it('starts the login shell with the console URL and token, the demo kubeconfig, the endpoint and bin/ first on PATH', async () => {
    const binDir = fakeBinDir();
    const endpoint = demoEndpoint();
    h = startPlane({ binDir, endpoint: (id) => (id === endpoint.id ? endpoint : undefined) });
    // The demo fleet wrote its kubeconfig; the user has their own list too.
    mkdirSync(join(h.dir, 'demo'), { recursive: true });
    writeFileSync(join(h.dir, 'demo', 'kubeconfig'), 'apiVersion: v1\nkind: Config\n', { mode: 0o600 });
    const token = Buffer.from(`token-${process.pid}-${Date.now()}`).toString('base64url');
    h.plane.setCliAccess({ url: 'http://127.0.0.1:4100', token });

    // No argv: the user's login shell, as the terminal view opens it.
    const session = await h.plane.handlers['terminal.open'](
      { cols: 120, rows: 30, endpointId: endpoint.id },
      ctx,
    );
    expect(session).toMatchObject({ endpointId: endpoint.id, title: endpoint.id, cwd: expect.any(String) });
    const outputs: string[] = [];
    h.plane.host.onOutput(session.id, (text) => outputs.push(text));
    h.plane.host.write(session.id, `${report}; command -v fleetdeck; echo "done=$((5*5))"\r`);
    const text = await waitFor('the report', () => outputs.join('').includes('done=25') && outputs.join(''));
    expect(value(text, 'FLEETDECK_URL')).toBe('http://127.0.0.1:4100');
    expect(value(text, 'FLEETDECK_TOKEN')).toBe(token);
    expect(value(text, 'FLEETDECK_DATA_DIR')).toBe(h.dir);
    expect(value(text, 'FLEETDECK_ENDPOINT')).toBe(endpoint.id);
    expect(value(text, 'FLEETDECK_CONTEXT')).toBe('us-east-1');
    expect(value(text, 'FLEETDECK_NAMESPACE')).toBe('serving');
    expect(value(text, 'FLEETDECK_DEPLOYMENT')).toBe('llama-70b');
    expect(value(text, 'FLEETDECK_MODEL')).toBe('llama-3-70b');
    expect(value(text, 'FLEETDECK_RUN_ID')).toBe('');
    expect(value(text, 'KUBECONFIG')!.split(delimiter)[0]).toBe(join(h.dir, 'demo', 'kubeconfig'));
    expect(value(text, 'TERM')).toBe('xterm-256color');
    expect(value(text, 'COLORTERM')).toBe('truecolor');
    // Even after /etc/profile reset PATH, our bin/ comes first.
    expect(text).toContain(join(binDir, 'fleetdeck'));
  });

  it('sets FLEETDECK_RUN_ID for a runbook terminal, and refuses an unknown endpoint', async () => {
    h = startPlane({ endpoint: () => undefined });
    const session = h.open({ runId: 'run-7' });
    h.plane.host.write(session.id, `printf '<RUN=%s>\\n' "$FLEETDECK_RUN_ID"\r`);
    await h.waitOutput(session.id, '<RUN=run-7>');
    expect(() => h!.open({ endpointId: 'nope:x:y' })).toThrow(/not in the fleet/);
  });
});

describe('terminalEnv', () => {
  it('drops inherited per-session variables and leaves KUBECONFIG alone without a demo', () => {
    const tmp = freshDir('fleetdeck-env-');
    cleanups.push(tmp.cleanup);
    const env = terminalEnv({
      base: {
        PATH: `/usr/bin${delimiter}/bin/x`,
        FLEETDECK_ENDPOINT: 'stale',
        KUBECONFIG: '/k/a',
        HOME: tmp.dir,
      },
      dataDir: tmp.dir,
      binDir: '/bin/x',
      cliAccess: null,
    });
    expect(env.FLEETDECK_ENDPOINT).toBeUndefined();
    expect(env.FLEETDECK_URL).toBeUndefined();
    expect(env.KUBECONFIG).toBe('/k/a');
    expect(env.PATH).toBe(`/bin/x${delimiter}/usr/bin`);
  });

  it('puts the demo kubeconfig before ~/.kube/config when there is no KUBECONFIG', () => {
    const tmp = freshDir('fleetdeck-env-');
    cleanups.push(tmp.cleanup);
    mkdirSync(join(tmp.dir, 'demo'));
    writeFileSync(join(tmp.dir, 'demo', 'kubeconfig'), '');
    expect(kubeconfigList(tmp.dir, undefined, tmp.dir)).toBe(join(tmp.dir, 'demo', 'kubeconfig'));
    mkdirSync(join(tmp.dir, '.kube'));
    writeFileSync(join(tmp.dir, '.kube', 'config'), '');
    expect(kubeconfigList(tmp.dir, undefined, tmp.dir)).toBe(
      [join(tmp.dir, 'demo', 'kubeconfig'), join(tmp.dir, '.kube', 'config')].join(delimiter),
    );
    expect(kubeconfigList(tmp.dir, `/a${delimiter}/b`, tmp.dir)).toBe(
      [join(tmp.dir, 'demo', 'kubeconfig'), '/a', '/b'].join(delimiter),
    );
  });

  it('falls back from a missing $SHELL to bash, as a login shell', () => {
    expect(loginShell({ SHELL: '/nonexistent/zsh' }, null)).toEqual({
      file: '/bin/bash',
      args: ['-l'],
      name: 'bash',
    });
    expect(loginShell({ SHELL: '/bin/bash' }, '/d/init.sh').args).toEqual([
      '--init-file',
      '/d/init.sh',
      '-i',
    ]);
    expect(loginShell({ SHELL: '/bin/sh' }, '/d/init.sh')).toEqual({
      file: '/bin/sh',
      args: ['-l'],
      name: 'sh',
    });
  });
});
