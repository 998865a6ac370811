import { z } from 'zod';
import { command, event } from './define';
import { appHealthSchema, appInfoSchema, appStatusSchema } from './app.schema';
import { settingsPatchSchema, settingsSchema } from './settings.schema';

const noArgs = z.object({}).strict();

/**
 * Every command, declared once. The preload bridge, the FleetApi client, the console host's
 * routes and the core's handler registry are all derived from this map (CONVENTIONS.md 2).
 */
export const commands = {
  'app.info': command({
    summary: 'Version, host, data directory and SQLite version.',
    args: noArgs,
    result: appInfoSchema,
  }),
  'app.health': command({
    summary: 'Runs the database checks and reports each one.',
    args: noArgs,
    result: appHealthSchema,
  }),
  'settings.get': command({
    summary: 'The current settings, defaults filled in.',
    args: noArgs,
    result: settingsSchema,
  }),
  'settings.set': command({
    summary: 'Changes some settings; unknown keys and wrong types are refused with the reason.',
    args: settingsPatchSchema,
    result: settingsSchema,
  }),
} as const;

export const events = {
  'app.status': event({
    summary: 'Database health, data directory and data freshness, sent on change and every few seconds.',
    payload: appStatusSchema,
  }),
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandArgs<N extends CommandName> = z.input<Commands[N]['args']>;
export type CommandResult<N extends CommandName> = z.output<Commands[N]['result']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;
export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
}

export const commandNames = Object.keys(commands) as CommandName[];
export const eventNames = Object.keys(events) as EventName[];

export const isCommandName = (name: unknown): name is CommandName =>
  typeof name === 'string' && Object.hasOwn(commands, name);
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.hasOwn(events, name);

export * from './app.schema';
export * from './settings.schema';
export { command, event } from './define';
export type { CommandSpec, EventSpec } from './define';
