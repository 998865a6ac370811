import type { z } from 'zod';

/** One request -> response command. `args` is validated at every host boundary. */
export interface CommandSpec<A extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly summary: string;
  readonly args: A;
  readonly result: R;
}

/** One event stream, pushed from the core to every connected client. */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly summary: string;
  readonly payload: P;
}

export const command = <A extends z.ZodType, R extends z.ZodType>(spec: CommandSpec<A, R>) => spec;
export const event = <P extends z.ZodType>(spec: EventSpec<P>) => spec;
