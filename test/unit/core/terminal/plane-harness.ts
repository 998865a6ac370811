import type { Endpoint } from '../../../../src/shared/contract/fleet.schema';
import {
  terminalOpenArgsSchema,
  type TerminalServerFrame,
  type TerminalSession,
} from '../../../../src/shared/contract/terminal.schema';
import { EventBus } from '../../../../src/core/events/event-bus';
import type { EventMessage } from '../../../../src/shared/contract/index';
import { openStore, type Store } from '../../../../src/core/store/database';
import {
  createTerminalPlane,
  type TerminalPlane,
  type TerminalPlaneOptions,
} from '../../../../src/core/terminal/terminal-plane';
import type { TerminalConnection, TerminalPeer } from '../../../../src/core/terminal/terminal.types';
import type { CommandContext } from '../../../../src/core/commands/registry';
import { freshDir } from '../../../support/tmp';
import { logSpy } from '../../electron/log-spy';

export const ctx: CommandContext = { actor: 'test', host: 'console' };

/** A shell without startup files and with a fixed prompt: what the tests type is all that runs. */
export const plainBash = ['/bin/bash', '--noprofile', '--norc', '-i'];

/**
 * Polls until `probe` holds (tests wait on conditions, never a fixed time); the error names what
 * was awaited and shows the last value seen.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | null | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A view attached to a session: keeps every frame and how it ended. */
export class RecordingPeer implements TerminalPeer {
  readonly frames: TerminalServerFrame[] = [];
  ended: { code: number; reason: string } | null = null;
  connection: TerminalConnection | null = null;

  send(frame: TerminalServerFrame): void {
    this.frames.push(frame);
  }
  end(code: number, reason: string): void {
    this.ended = { code, reason };
  }
  /** Replay and data, as a terminal would show them. */
  get text(): string {
    return this.frames.map((f) => (f.t === 'data' || f.t === 'replay' ? f.d : '')).join('');
  }
  get dataChars(): number {
    return this.frames.reduce((n, f) => n + (f.t === 'data' ? f.d.length : 0), 0);
  }
}

export interface Harness {
  dir: string;
  store: Store;
  plane: TerminalPlane;
  events: EventMessage[];
  log: ReturnType<typeof logSpy>;
  open(args?: Record<string, unknown>, argv?: string[] | null): TerminalSession;
  /** Output seen by an onOutput listener since `open` (no view needed). */
  output(id: string): string;
  attach(id: string, peer?: RecordingPeer): Promise<RecordingPeer>;
  /** Waits until the session's output (since the listener started) matches. */
  waitOutput(id: string, pattern: RegExp | string): Promise<string>;
  dispose(): Promise<void>;
}

export function demoEndpoint(overrides: Partial<Endpoint> = {}): Endpoint {
  return {
    id: 'us-east-1:serving:llama-70b',
    name: 'llama-70b',
    model: 'llama-3-70b',
    version: 'v1',
    source: 'demo',
    sourceKind: 'kubernetes',
    cluster: 'us-east-1',
    region: 'us-east-1',
    namespace: 'serving',
    runtime: 'vllm',
    target: { kind: 'Deployment', name: 'llama-70b' },
    group: null,
    trafficPercent: null,
    replicas: { desired: 2, ready: 2 },
    gpus: 2,
    gpuType: null,
    nodes: [],
    hourlyPriceUsd: null,
    spendTodayUsd: 0,
    url: null,
    health: 'healthy',
    metrics: {},
    missingMetrics: [],
    freshness: { state: 'live', at: 0 },
    ...overrides,
  } as Endpoint;
}

export function startPlane(options: Partial<TerminalPlaneOptions> = {}, dir?: string): Harness {
  const tmp = dir ? { dir, cleanup: () => {} } : freshDir('fleetdeck-terminal-');
  const log = logSpy();
  const store = openStore({ dataDir: tmp.dir, log });
  const bus = new EventBus();
  const events: EventMessage[] = [];
  bus.subscribe((message) => events.push(message));
  const plane = createTerminalPlane({ db: store.db, log, bus, dataDir: tmp.dir, ...options });
  const outputs = new Map<string, string>();
  const harness: Harness = {
    dir: tmp.dir,
    store,
    plane,
    events,
    log,
    open(args = {}, argv = plainBash) {
      const parsed = terminalOpenArgsSchema.parse(args);
      const session = plane.host.open({ ...parsed, ...(argv ? { argv } : {}) }, 'test');
      outputs.set(session.id, '');
      plane.host.onOutput(session.id, (text) => outputs.set(session.id, outputs.get(session.id)! + text));
      return session;
    },
    output: (id) => outputs.get(id) ?? '',
    async attach(id, peer = new RecordingPeer()) {
      const { attachToken } = await plane.handlers['terminal.attach']({ id }, ctx);
      const result = plane.streams.connect(id, attachToken, peer);
      if (!result.ok) throw new Error(`attach refused: ${result.reason}`);
      peer.connection = result.connection;
      return peer;
    },
    waitOutput: (id, pattern) =>
      waitFor(`output matching ${String(pattern)}`, () => {
        const text = outputs.get(id) ?? '';
        return (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) && text;
      }),
    async dispose() {
      await plane.close();
      store.close();
      tmp.cleanup();
    },
  };
  return harness;
}
