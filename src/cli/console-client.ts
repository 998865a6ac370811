import { request, type Dispatcher } from 'undici';
import { commands, type CommandArgs, type CommandName, type CommandResult } from '../shared/contract/index';
import { describeIssues } from '../shared/contract/validate';
import type { ErrorCode, FleetErrorBody } from '../shared/errors/fleet-error';
import { CliError, usageError, type FailureKind } from './cli-error';
import type { ConsoleAccess } from './console-access';

/** Long enough for a slow core under load, short enough that a hung console is reported. */
const REQUEST_TIMEOUT_MS = 30_000;

const kindFor: Record<ErrorCode, FailureKind> = {
  bad_request: 'usage',
  unauthorized: 'refused',
  forbidden: 'refused',
  not_found: 'failed',
  conflict: 'failed',
  unavailable: 'failed',
  timeout: 'failed',
  internal: 'failed',
};

/**
 * Calls `POST <origin>/api/v1/<command>` with the Bearer token, exactly as the browser console's
 * HTTP transport does (no Origin header: the console lets non-browser clients through on the
 * token alone). Arguments are checked against the contract here first, so a mistake is reported
 * before anything is sent.
 */
export class ConsoleClient {
  constructor(private readonly access: ConsoleAccess) {}

  async call<N extends CommandName>(name: N, args: CommandArgs<N>): Promise<CommandResult<N>> {
    const parsed = commands[name].args.safeParse(args);
    if (!parsed.success)
      throw usageError(
        `invalid arguments for ${name}: ${describeIssues(parsed.error)}`,
        'see `fleetdeck help`',
      );

    // undici.request rather than fetch: fetch refuses some ports outright (the "bad ports" list)
    // and hides the socket error's code, which is what tells "not running" from "timed out".
    let response: Dispatcher.ResponseData;
    try {
      response = await request(`${this.access.origin}/api/v1/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.access.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(parsed.data),
        headersTimeout: REQUEST_TIMEOUT_MS,
        bodyTimeout: REQUEST_TIMEOUT_MS,
      });
    } catch (error) {
      throw this.unreachable(error);
    }

    type Envelope = { ok?: boolean; result?: unknown; error?: FleetErrorBody };
    let body: Envelope | null;
    try {
      body = (await response.body.json()) as Envelope | null;
    } catch {
      body = null;
    }
    const status = response.statusCode;
    if (status === 401) throw this.badToken();
    if (body?.ok === true) return body.result as CommandResult<N>;
    if (body?.ok === false && body.error) {
      const error = body.error;
      const kind = kindFor[error.code] ?? 'failed';
      const where = error.where && error.where !== name ? ` (${error.where})` : '';
      throw new CliError(
        kind,
        `${name}: ${error.message.replace(/\.$/, '')}${where}`,
        error.hint ?? todoFor(kind),
        error.code,
      );
    }
    throw new CliError(
      status === 403 ? 'refused' : 'failed',
      `${this.access.origin} answered ${name} with HTTP ${status} and no Fleetdeck reply`,
      `check that ${this.access.via} points at a Fleetdeck console`,
    );
  }

  private badToken(): CliError {
    return new CliError(
      'refused',
      `the console at ${this.access.origin} refused the token from ${this.access.dataDir ? this.access.via : 'FLEETDECK_TOKEN'}`,
      this.access.dataDir
        ? 'the console makes a new token each time it starts: is console.json from an older run? restart the console to rewrite it'
        : 'the console makes a new token each time it starts: open a new Fleetdeck terminal, or unset FLEETDECK_URL/FLEETDECK_TOKEN and pass --data-dir D',
    );
  }

  private unreachable(error: unknown): CliError {
    const code = (error as { code?: string })?.code;
    const reason =
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT' ||
      code === 'UND_ERR_CONNECT_TIMEOUT'
        ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
        : (code ?? (error as Error)?.message ?? 'unknown error');
    return new CliError(
      'unreachable',
      `cannot reach the Fleetdeck console at ${this.access.origin} (${reason}; from ${this.access.via})`,
      this.access.dataDir
        ? 'is it running? console.json may be left over from a console that stopped: start Fleetdeck again'
        : 'is Fleetdeck still running? FLEETDECK_URL points at a console that does not answer; open a new Fleetdeck terminal or pass --data-dir D',
    );
  }
}

function todoFor(kind: FailureKind): string {
  switch (kind) {
    case 'usage':
      return 'see `fleetdeck help` for the arguments';
    case 'refused':
      return 'check the token (FLEETDECK_TOKEN or console.json)';
    default:
      return 'see the log file in the data directory for details';
  }
}
