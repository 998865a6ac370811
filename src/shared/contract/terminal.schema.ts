import { z } from 'zod';

/**
 * Terminals (issue 5). Commands manage sessions; the bytes themselves travel on a per-session
 * stream (WebSocket in the console, IPC on the desktop) whose frames are declared below, so
 * both hosts and the renderer agree on one protocol.
 */

export const terminalIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const terminalSessionSchema = z.object({
  id: terminalIdSchema,
  /** Given at opening: the shell, the endpoint or the run. */
  title: z.string(),
  /** The name a person gave it (tab rename), kept across reloads and in the history; null for none. */
  name: z.string().nullable(),
  shell: z.string(),
  cwd: z.string(),
  cols: z.number().int(),
  rows: z.number().int(),
  createdAt: z.number().int(),
  /** The endpoint it was opened from (its variables are in the environment), if any. */
  endpointId: z.string().nullable(),
  /** The runbook run it belongs to, if any. */
  runId: z.string().nullable(),
  state: z.enum(['running', 'exited']),
  exitCode: z.number().int().nullable(),
  signal: z.number().int().nullable(),
  exitedAt: z.number().int().nullable(),
  /** Transcript bytes kept in SQLite, and whether the per-session cap cut it short. */
  transcriptBytes: z.number().int(),
  transcriptTruncated: z.boolean(),
});
export type TerminalSession = z.infer<typeof terminalSessionSchema>;

export const terminalOpenArgsSchema = z
  .object({
    cols: z.number().int().min(2).max(1000).default(80),
    rows: z.number().int().min(1).max(500).default(24),
    /** Open in the fleet context of this endpoint (FLEETDECK_ENDPOINT, its context and namespace). */
    endpointId: z.string().min(1).optional(),
    runId: z.string().min(1).optional(),
    title: z.string().min(1).max(80).optional(),
  })
  .strict();

/** A tab name as kept: whitespace runs as one space, trimmed, at most 80 characters; '' for none. */
export const tidyTerminalName = (name: string): string => name.replace(/\s+/g, ' ').trim().slice(0, 80);

export const terminalRenameArgsSchema = z
  .object({
    id: terminalIdSchema,
    /** Blank or null takes the name away (the tab shows its title again). */
    name: z.string().max(200).nullable(),
  })
  .strict();

export const terminalResizeArgsSchema = z
  .object({
    id: terminalIdSchema,
    cols: z.number().int().min(2).max(1000),
    rows: z.number().int().min(1).max(500),
  })
  .strict();

export const terminalAttachSchema = z.object({
  session: terminalSessionSchema,
  /** Single use, short lived: opens the session's stream once. */
  attachToken: z.string(),
});

export const terminalTranscriptArgsSchema = z
  .object({
    id: terminalIdSchema,
    /** Only chunks with seq > afterSeq (paging); default from the start. */
    afterSeq: z.number().int().min(-1).default(-1),
    limit: z.number().int().min(1).max(5000).default(1000),
  })
  .strict();

export const terminalTranscriptSchema = z.object({
  session: terminalSessionSchema,
  chunks: z.array(z.object({ seq: z.number().int(), at: z.number().int(), data: z.string() })),
  /** More chunks after the last one returned. */
  more: z.boolean(),
});

export const terminalHistoryArgsSchema = z
  .object({
    endpointId: z.string().optional(),
    runId: z.string().optional(),
    includeRunning: z.boolean().default(true),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();

// ---- The stream protocol -------------------------------------------------------------------
// Flow control in the manner of VS Code (reference/performance-and-safety.md): the core pauses the
// PTY past HIGH unacknowledged characters and resumes below LOW; clients ack every ACK_EVERY.
// VS Code pauses at 100K and resumes at 5K; with a browser and a WebSocket in between, that
// drained the pipe on every cycle (the core waited a round trip before reading again). The
// xterm.js flow-control guide allows up to 500K for keystrokes to stay snappy; a batch is kept
// below HIGH so one batch never pauses the PTY by itself. terminal-interrupt stays ~50-85 ms.
export const TERMINAL_FLOW = {
  highWatermarkChars: 500_000,
  lowWatermarkChars: 100_000,
  ackEveryChars: 5_000,
  /** Output is batched for at most this long or this many characters (Hyper: 16 ms / 200 KB). */
  batchMs: 16,
  batchMaxChars: 100_000,
} as const;

export const terminalClientFrameSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('input'), d: z.string().max(1_000_000) }).strict(),
  z.object({ t: z.literal('ack'), n: z.number().int().min(0).max(100_000_000) }).strict(),
  z
    .object({
      t: z.literal('resize'),
      cols: z.number().int().min(2).max(1000),
      rows: z.number().int().min(1).max(500),
    })
    .strict(),
]);
export type TerminalClientFrame = z.infer<typeof terminalClientFrameSchema>;

export const terminalServerFrameSchema = z.discriminatedUnion('t', [
  /** The scrollback kept in memory, sent once on attach before any live data. */
  z.object({ t: z.literal('replay'), d: z.string() }),
  z.object({ t: z.literal('data'), d: z.string() }),
  z.object({ t: z.literal('exit'), code: z.number().int().nullable(), signal: z.number().int().nullable() }),
  /** The stream ends for a reason other than the process exiting (session closed, attached elsewhere). */
  z.object({ t: z.literal('closed'), reason: z.string() }),
]);
export type TerminalServerFrame = z.infer<typeof terminalServerFrameSchema>;
