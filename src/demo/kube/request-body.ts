import type { IncomingMessage } from 'node:http';
import type { KubeObject } from './object-store.types';
import { decodeProtobufObject } from './protobuf-body';
import { KubeApiError, badRequest } from './status-error';

/** Request bodies for the simulated apiserver: JSON (and +json patch types) or kubectl's protobuf. */
const maxBodyBytes = 16 * 1024 * 1024;

export /** A request body: JSON, or protobuf from kubectl's typed clients (see protobuf-body.ts). */
async function readBody(req: IncomingMessage): Promise<{ value: unknown; partial: boolean }> {
  const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes)
      throw new KubeApiError(413, 'BadRequest', 'Request entity too large: limit is 16MiB');
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  if (contentType === 'application/vnd.kubernetes.protobuf') {
    const { object, complete } = decodeProtobufObject(bytes);
    return { value: object, partial: !complete };
  }
  if (contentType !== 'application/json' && !contentType.endsWith('+json')) {
    throw new KubeApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/vnd.kubernetes.protobuf`,
    );
  }
  const text = bytes.toString('utf8');
  if (!text.trim()) throw badRequest('the request body is empty');
  try {
    return { value: JSON.parse(text), partial: false };
  } catch (error) {
    throw badRequest(`the request body is not valid JSON: ${(error as Error).message}`);
  }
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  if (body.partial) throw protobufUnsupported((body.value as KubeObject).kind);
  return body.value;
}

export const protobufUnsupported = (kind: string) =>
  new KubeApiError(
    415,
    'UnsupportedMediaType',
    `the Fleetdeck demo apiserver reads protobuf bodies only for Namespace and Deployment, not ${kind}; ` +
      'use `kubectl create -f` or `kubectl apply -f` with YAML or JSON',
  );
