import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CommandEnvelope } from '../shared/api/fleet-api';
import { isCommandName } from '../shared/contract/index';
import { httpStatusFor } from '../shared/errors/fleet-error';
import type { CommandContext } from '../core/core';
import { sendError, sendJson } from './http-responses';

export const API_PREFIX = '/api/v1/';
export const EVENTS_PATH = '/api/v1/events';
export const MAX_BODY_BYTES = 1024 * 1024;
/** incidents.import carries a whole export file (charts, runs, transcripts; the contract allows 200 MB of text). */
export const MAX_IMPORT_BODY_BYTES = 256 * 1024 * 1024;
const bodyLimit = (name: string) => (name === 'incidents.import' ? MAX_IMPORT_BODY_BYTES : MAX_BODY_BYTES);

/** Everything the console host needs from the core: calls go through its one validated entry. */
export interface CommandCaller {
  call(name: unknown, args: unknown, ctx: CommandContext): Promise<CommandEnvelope>;
}

const ctx: CommandContext = { actor: 'console-user', host: 'console' };

/** What the caller logs when a request is refused before reaching the core. */
export type ApiRefusal = { status: number; reason: string } | null;

/**
 * `POST /api/v1/<command>` with a JSON object body. Runs after the Host, Origin and token
 * checks. Requiring `Content-Type: application/json` also rules out the CORS "simple" requests
 * (form posts, text/plain fetches) a foreign page could send without a preflight.
 */
export async function handleApiRequest(
  core: CommandCaller,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  headers: Record<string, string>,
): Promise<ApiRefusal> {
  if (pathname === EVENTS_PATH) {
    sendError(
      res,
      426,
      { code: 'bad_request', message: `${EVENTS_PATH} is a WebSocket; open it with a WebSocket client.` },
      {
        ...headers,
        Upgrade: 'websocket',
      },
    );
    return { status: 426, reason: 'events endpoint without upgrade' };
  }

  const name = pathname.slice(API_PREFIX.length);
  if (!pathname.startsWith(API_PREFIX) || name.includes('/') || !isCommandName(name)) {
    sendError(
      res,
      404,
      {
        code: 'not_found',
        message: `Unknown command: ${pathname.startsWith(API_PREFIX) ? name : pathname}`,
        hint: 'Commands are POST /api/v1/<command>; see src/shared/contract for the list.',
      },
      headers,
    );
    return { status: 404, reason: 'unknown command' };
  }

  if (req.method !== 'POST') {
    sendError(
      res,
      405,
      { code: 'bad_request', message: `${name} must be called with POST.`, where: name },
      {
        ...headers,
        Allow: 'POST',
      },
    );
    return { status: 405, reason: `method ${req.method}` };
  }

  const mime = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mime !== 'application/json') {
    sendError(
      res,
      415,
      {
        code: 'bad_request',
        message: `${name} needs Content-Type: application/json (got ${mime || 'none'}).`,
        where: name,
      },
      headers,
    );
    return { status: 415, reason: `content-type ${mime || 'none'}` };
  }

  const body = await readBody(req, bodyLimit(name));
  if (body === 'too-large') {
    sendError(
      res,
      413,
      { code: 'bad_request', message: `Request body is over ${bodyLimit(name)} bytes.`, where: name },
      { ...headers, Connection: 'close' },
    );
    return { status: 413, reason: 'body too large' };
  }
  if (body === 'aborted') return { status: 0, reason: 'client went away mid-request' };

  let args: unknown;
  try {
    args = JSON.parse(body.toString('utf8'));
  } catch {
    sendError(
      res,
      400,
      {
        code: 'bad_request',
        message: `The body of ${name} is not valid JSON.`,
        where: name,
        hint: 'Send a JSON object; {} for commands without arguments.',
      },
      headers,
    );
    return { status: 400, reason: 'body not JSON' };
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    sendError(
      res,
      400,
      {
        code: 'bad_request',
        message: `The body of ${name} must be a JSON object.`,
        where: name,
        hint: 'Send a JSON object; {} for commands without arguments.',
      },
      headers,
    );
    return { status: 400, reason: 'body not an object' };
  }

  const envelope = await core.call(name, args, ctx);
  if (envelope.ok) {
    sendJson(res, 200, envelope, headers);
    return null;
  }
  const status = httpStatusFor[envelope.error.code] ?? 500;
  sendJson(res, status, envelope, headers);
  return status === 400 ? { status, reason: envelope.error.message } : null;
}

/** Reads at most `limit` bytes; a Content-Length over the limit is refused before reading. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (value: Buffer | 'too-large' | 'aborted') => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        settle('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(Buffer.concat(chunks)));
    req.on('error', () => settle('aborted'));
    req.on('close', () => settle('aborted'));
  });
}
