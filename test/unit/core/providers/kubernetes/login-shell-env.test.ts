import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  mergeEnv,
  parseEnvBetweenMarks,
  resolveLoginShellEnv,
} from '../../../../../src/core/env/login-shell-env';
import { Backoff } from '../../../../../src/core/providers/kubernetes/backoff';
import { freshDir } from '../../../../support/tmp';
import { writeScript } from './support/harness';

/**
 * Exec credential plugins run with the login shell's environment (headlamp #266). These tests
 * use fake "shells": scripts that receive the same argv a real one would (`-ilc <script>`).
 */
describe('the login shell environment', () => {
  let tmp: { dir: string; cleanup(): void };
  beforeEach(() => (tmp = freshDir('fleetdeck-shell-')));
  afterEach(() => tmp.cleanup());

  it('runs $SHELL -ilc once and takes PATH and missing variables from it, ignoring rc-file chatter', async () => {
    const shell = writeScript(
      tmp.dir,
      'fake-login-shell',
      [
        'echo "Welcome back! (motd noise before the environment)"',
        '[ "$1" = "-ilc" ] || exit 9',
        'export PATH="/opt/cloud-cli/bin:/usr/local/bin:$PATH"',
        'export AWS_PROFILE=prod',
        'export MULTILINE="first',
        'second"',
        'exec /bin/sh -c "$2"',
      ].join('\n'),
    );
    const base = { PATH: '/usr/bin:/bin', HOME: '/home/u', AWS_PROFILE: 'from-terminal' };
    const result = await resolveLoginShellEnv({ shell, baseEnv: base, timeoutMs: 5_000 });
    expect(result.origin).toBe('login-shell');
    expect(result.env.PATH).toBe('/opt/cloud-cli/bin:/usr/local/bin:/usr/bin:/bin');
    // Set by whoever launched us: kept. Only in the shell: added.
    expect(result.env.AWS_PROFILE).toBe('from-terminal');
    expect(result.env.MULTILINE).toBe('first\nsecond');
    expect(result.env.HOME).toBe('/home/u');
  });

  it('falls back to the process environment when the shell hangs, fails or is missing', async () => {
    const hanging = writeScript(tmp.dir, 'hanging-shell', 'sleep 30');
    const slow = await resolveLoginShellEnv({
      shell: hanging,
      baseEnv: { PATH: '/usr/bin' },
      timeoutMs: 200,
    });
    expect(slow).toEqual({
      env: { PATH: '/usr/bin' },
      origin: 'process',
      fallbackReason: `login shell ${hanging} did not finish within 200 ms; using the process environment`,
    });

    const failing = writeScript(tmp.dir, 'failing-shell', 'exit 3');
    expect((await resolveLoginShellEnv({ shell: failing, baseEnv: {} })).fallbackReason).toMatch(
      /^login shell .*failing-shell failed \(Command failed/,
    );

    const missing = await resolveLoginShellEnv({ shell: `${tmp.dir}/no-such-shell`, baseEnv: {} });
    expect(missing.fallbackReason).toBe(
      `login shell ${tmp.dir}/no-such-shell is not installed; using the process environment`,
    );

    expect((await resolveLoginShellEnv({ platform: 'win32', baseEnv: { Path: 'C:\\' } })).origin).toBe(
      'process',
    );
  });

  it('parses env output between the marks only', () => {
    const mark = '__FLEETDECK_ENV_MARK__';
    expect(parseEnvBetweenMarks(`noise\n${mark}\nA=1\nB=x=y\n${mark}\nbye`)).toEqual({ A: '1', B: 'x=y' });
    expect(parseEnvBetweenMarks('no marks at all')).toBeNull();
    expect(mergeEnv({ PATH: '/b:/c' }, { PATH: '/a:/b' }).PATH).toBe('/a:/b:/c');
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter, caps, honours Retry-After and resets', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1_000, random: () => 1 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000]);
    expect(b.next(5_000)).toBe(5_000);
    b.reset();
    const low = new Backoff({ initialMs: 100, maxMs: 1_000, random: () => 0 });
    expect(low.next()).toBe(50);
  });
});
