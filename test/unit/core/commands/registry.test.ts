import { describe, expect, it } from 'vitest';
import { CommandRegistry, type HandlerMap } from '../../../../src/core/commands/registry';
import type { Logger } from '../../../../src/core/log/logger';
import { defaultSettings } from '../../../../src/shared/contract/index';

function recordingLog() {
  const lines: Array<[string, string, unknown]> = [];
  const log: Logger = {
    debug: (m, f) => lines.push(['debug', m, f]),
    info: (m, f) => lines.push(['info', m, f]),
    warn: (m, f) => lines.push(['warn', m, f]),
    error: (m, f) => lines.push(['error', m, f]),
  };
  return { log, lines };
}

const ctx = { actor: 'test', host: 'console' as const };

// Only the commands these tests call have handlers; the registry never reaches the others.
function handlers(overrides: Partial<HandlerMap> = {}): HandlerMap {
  const calls: unknown[] = [];
  return {
    'app.info': () => {
      throw new Error('not used');
    },
    'app.health': () => {
      throw new Error('database exploded');
    },
    'settings.get': () => defaultSettings,
    'settings.set': (patch) => {
      calls.push(patch);
      return { ...defaultSettings, ...patch };
    },
    ...overrides,
  } as HandlerMap;
}

describe('the core command registry', () => {
  it('validates before the handler runs: the handler never sees bad arguments', async () => {
    let ran = false;
    const { log } = recordingLog();
    const registry = new CommandRegistry(
      handlers({ 'settings.set': () => ((ran = true), defaultSettings) }),
      { log },
    );
    const result = await registry.call('settings.set', { theme: 'purple' }, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(ran).toBe(false);
  });

  it('answers unknown commands with not_found', async () => {
    const { log } = recordingLog();
    const registry = new CommandRegistry(handlers(), { log });
    expect(await registry.call('nope.nope', {}, ctx)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await registry.call(42, {}, ctx)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('turns a thrown error into an internal envelope with a hint, and logs it', async () => {
    const { log, lines } = recordingLog();
    const registry = new CommandRegistry(handlers(), { log });
    const result = await registry.call('app.health', {}, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal', where: 'app.health' } });
    if (!result.ok) {
      expect(result.error.message).toContain('database exploded');
      expect(result.error.hint).toContain('log file');
    }
    expect(
      lines.some(
        ([level, , fields]) => level === 'error' && JSON.stringify(fields).includes('database exploded'),
      ),
    ).toBe(true);
  });

  it('catches a handler result that breaks the contract when result validation is on', async () => {
    const { log } = recordingLog();
    const registry = new CommandRegistry(handlers({ 'settings.get': () => ({ theme: 'neon' }) as never }), {
      log,
      validateResults: true,
    });
    const result = await registry.call('settings.get', {}, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
