import type { KubeObject } from './object-store.types';
import { badRequest } from './status-error';

/**
 * Request bodies in the apiserver's protobuf encoding. kubectl's typed clients send them for
 * `kubectl create namespace` and `kubectl create deployment` (and do not fall back to JSON on
 * 415), so without this the commonest imperative commands in the embedded terminal would fail.
 *
 * Scope: the `k8s\0` + runtime.Unknown envelope, ObjectMeta for any kind (enough to answer
 * AlreadyExists), and the full objects those two commands produce: Namespace, and a Deployment
 * with replicas, selector, pod template labels and containers (name, image, command, args,
 * ports, env, resources). Field numbers are from k8s.io/api generated.proto, checked against
 * bodies captured from kubectl 1.32. Any other kind is reported as `complete: false`.
 */
type Scalar = 'string' | 'strings' | 'int' | 'int0' | 'bool' | 'map' | 'quantityMap';
type FieldSpec = [name: string, type: Scalar] | [name: string, type: 'message' | 'messages', schema: Schema];
interface Schema {
  [field: number]: FieldSpec;
}

const magic = Buffer.from('k8s\0', 'latin1');

const objectMeta: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  11: ['labels', 'map'],
  12: ['annotations', 'map'],
};
const labelSelector: Schema = {
  1: ['matchLabels', 'map'],
  2: [
    'matchExpressions',
    'messages',
    { 1: ['key', 'string'], 2: ['operator', 'string'], 3: ['values', 'strings'] },
  ],
};
const container: Schema = {
  1: ['name', 'string'],
  2: ['image', 'string'],
  3: ['command', 'strings'],
  4: ['args', 'strings'],
  5: ['workingDir', 'string'],
  6: ['ports', 'messages', { 1: ['name', 'string'], 3: ['containerPort', 'int'], 4: ['protocol', 'string'] }],
  7: ['env', 'messages', { 1: ['name', 'string'], 2: ['value', 'string'] }],
  8: ['resources', 'message', { 1: ['limits', 'quantityMap'], 2: ['requests', 'quantityMap'] }],
  14: ['imagePullPolicy', 'string'],
};
const podSpec: Schema = {
  2: ['containers', 'messages', container],
  3: ['restartPolicy', 'string'],
  7: ['nodeSelector', 'map'],
  8: ['serviceAccountName', 'string'],
};
const schemas: Record<string, Schema> = {
  'v1/Namespace': {
    1: ['metadata', 'message', objectMeta],
    2: ['spec', 'message', { 1: ['finalizers', 'strings'] }],
  },
  'apps/v1/Deployment': {
    1: ['metadata', 'message', objectMeta],
    2: [
      'spec',
      'message',
      {
        1: ['replicas', 'int0'],
        2: ['selector', 'message', labelSelector],
        3: [
          'template',
          'message',
          { 1: ['metadata', 'message', objectMeta], 2: ['spec', 'message', podSpec] },
        ],
        4: ['strategy', 'message', { 1: ['type', 'string'] }],
        5: ['minReadySeconds', 'int'],
        6: ['revisionHistoryLimit', 'int'],
        9: ['progressDeadlineSeconds', 'int'],
      },
    ],
  },
};

function readVarint(buf: Buffer, start: number): [number, number] {
  let value = 0;
  let scale = 1;
  let pos = start;
  for (;;) {
    if (pos >= buf.length) throw badRequest('malformed protobuf body: truncated varint');
    const byte = buf[pos++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 128;
  }
}

/** Every (field, wire value) of one message, length-delimited values as sub-buffers. */
function* fields(buf: Buffer): Generator<[number, number | Buffer]> {
  let pos = 0;
  while (pos < buf.length) {
    const [key, next] = readVarint(buf, pos);
    pos = next;
    const wire = key % 8;
    const field = Math.floor(key / 8);
    if (wire === 0) {
      const [value, after] = readVarint(buf, pos);
      pos = after;
      yield [field, value];
    } else if (wire === 2) {
      const [length, after] = readVarint(buf, pos);
      if (after + length > buf.length) throw badRequest('malformed protobuf body: truncated field');
      yield [field, buf.subarray(after, after + length)];
      pos = after + length;
    } else if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4;
    } else {
      throw badRequest(`malformed protobuf body: wire type ${wire}`);
    }
  }
}

function decodeMessage(buf: Buffer, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of fields(buf)) {
    const spec = schema[field];
    if (!spec) continue;
    const [name, type] = spec;
    const bytes = value instanceof Buffer ? value : Buffer.alloc(0);
    switch (type) {
      case 'string':
        if (bytes.length) out[name] = bytes.toString('utf8');
        break;
      case 'strings':
        ((out[name] ??= []) as string[]).push(bytes.toString('utf8'));
        break;
      case 'int':
      case 'int0':
        if (typeof value === 'number' && (value !== 0 || type === 'int0')) out[name] = value;
        break;
      case 'bool':
        if (value) out[name] = true;
        break;
      case 'map':
      case 'quantityMap': {
        const entry = decodeMessage(bytes, {
          1: ['key', 'string'],
          2: type === 'map' ? ['value', 'string'] : ['value', 'message', { 1: ['string', 'string'] }],
        });
        const map = (out[name] ??= {}) as Record<string, string>;
        const entryValue = entry.value as string | { string?: string } | undefined;
        map[String(entry.key ?? '')] =
          typeof entryValue === 'object' ? (entryValue.string ?? '') : (entryValue ?? '');
        break;
      }
      case 'message': {
        const decoded = decodeMessage(bytes, spec[2]!);
        if (Object.keys(decoded).length) out[name] = decoded;
        break;
      }
      case 'messages':
        ((out[name] ??= []) as unknown[]).push(decodeMessage(bytes, spec[2]!));
        break;
    }
  }
  return out;
}

export function isProtobufBody(body: Buffer): boolean {
  return body.subarray(0, 4).equals(magic);
}

/** The object in a protobuf request body; `complete: false` when only its metadata could be read. */
export function decodeProtobufObject(body: Buffer): { object: KubeObject; complete: boolean } {
  if (!isProtobufBody(body)) throw badRequest('the protobuf request body lacks the k8s\\0 prefix');
  const envelope = decodeMessage(body.subarray(4), {
    1: ['typeMeta', 'message', { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] }],
    2: ['raw', 'message', { 1: ['metadata', 'message', objectMeta] }],
  });
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  // Decode the raw object again with the full schema when the kind is one we know.
  let raw: Buffer = Buffer.alloc(0);
  for (const [field, value] of fields(body.subarray(4)))
    if (field === 2 && value instanceof Buffer) raw = value;
  const schema = schemas[`${typeMeta.apiVersion}/${typeMeta.kind}`];
  const decoded = decodeMessage(raw, schema ?? { 1: ['metadata', 'message', objectMeta] });
  return {
    object: {
      apiVersion: typeMeta.apiVersion ?? '',
      kind: typeMeta.kind ?? '',
      metadata: { name: '' },
      ...decoded,
    } as KubeObject,
    complete: !!schema,
  };
}
