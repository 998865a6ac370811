import { describe, expect, it } from 'vitest';
import {
  commandNames,
  commands,
  defaultSettings,
  eventNames,
  events,
  isCommandName,
  settingsSchema,
} from '../../../../src/shared/contract/index';
import { assertCommandName, parseCommandArgs } from '../../../../src/shared/contract/validate';
import { FleetError } from '../../../../src/shared/errors/fleet-error';

const refusal = (fn: () => unknown): FleetError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof FleetError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('the command contract', () => {
  it('declares every command and event with a summary and runtime schemas, named domain.verb', () => {
    expect(commandNames).toEqual(
      expect.arrayContaining([
        'app.info',
        'app.health',
        'settings.get',
        'settings.set',
        'fleet.summary',
        'fleet.endpoints',
        'fleet.endpoint',
        'metrics.series',
        'sources.list',
        'sources.add',
        'sources.test',
        'sources.remove',
        'demo.fault',
      ]),
    );
    expect(eventNames).toEqual(expect.arrayContaining(['app.status', 'fleet.delta', 'sources.status']));
    for (const name of [...commandNames, ...eventNames]) expect(name).toMatch(/^[a-z]+\.[a-z][a-zA-Z]*$/);
    for (const name of commandNames) {
      expect(commands[name].summary.length).toBeGreaterThan(10);
      expect(typeof commands[name].args.safeParse).toBe('function');
      expect(typeof commands[name].result.safeParse).toBe('function');
    }
    for (const name of eventNames) expect(typeof events[name].payload.safeParse).toBe('function');
  });

  it('knows its own command names and nothing inherited from Object', () => {
    expect(isCommandName('app.info')).toBe(true);
    expect(isCommandName('toString')).toBe(false);
    expect(isCommandName('__proto__')).toBe(false);
    const e = refusal(() => assertCommandName('fleet.nuke'));
    expect(e.code).toBe('not_found');
    expect(e.message).toContain('fleet.nuke');
  });

  it('accepts good arguments: a partial settings patch, and no arguments for app.info', () => {
    expect(parseCommandArgs('settings.set', { theme: 'dark' })).toEqual({ theme: 'dark' });
    expect(parseCommandArgs('settings.set', { timeFormat: '12h', staleAfterSeconds: 30 })).toEqual({
      timeFormat: '12h',
      staleAfterSeconds: 30,
    });
    expect(parseCommandArgs('app.info', {})).toEqual({});
    expect(parseCommandArgs('app.info', undefined)).toEqual({});
  });

  it('refuses an unknown settings key and names it', () => {
    const e = refusal(() => parseCommandArgs('settings.set', { theme: 'dark', colour: 'red' }));
    expect(e.code).toBe('bad_request');
    expect(e.message).toContain('colour');
    expect(e.where).toBe('settings.set');
  });

  it('refuses wrong types and out-of-range values, naming the field and what it expected', () => {
    const wrongEnum = refusal(() => parseCommandArgs('settings.set', { theme: 'purple' }));
    expect(wrongEnum.message).toMatch(/theme: .*(system|light|dark)/);
    const wrongType = refusal(() => parseCommandArgs('settings.set', { staleAfterSeconds: '60' }));
    expect(wrongType.message).toMatch(/staleAfterSeconds: .*number/);
    const tooSmall = refusal(() => parseCommandArgs('settings.set', { staleAfterSeconds: 1 }));
    expect(tooSmall.message).toMatch(/staleAfterSeconds: .*5/);
    const notInt = refusal(() => parseCommandArgs('settings.set', { staleAfterSeconds: 7.5 }));
    expect(notInt.message).toContain('staleAfterSeconds');
  });

  it('refuses arguments to a command that takes none, and a non-object', () => {
    expect(refusal(() => parseCommandArgs('app.info', { verbose: true })).message).toContain('verbose');
    expect(refusal(() => parseCommandArgs('settings.set', 'theme=dark')).code).toBe('bad_request');
    expect(refusal(() => parseCommandArgs('settings.set', [1, 2])).code).toBe('bad_request');
  });

  it('has defaults that satisfy its own settings schema', () => {
    expect(settingsSchema.parse(defaultSettings)).toEqual(defaultSettings);
  });
});
