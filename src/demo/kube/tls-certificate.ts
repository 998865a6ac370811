import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/**
 * A self-signed serving certificate for the simulated apiservers, built with node:crypto alone.
 *
 * Why TLS at all on loopback: kubectl (client-go `clientcmd`) only attaches a kubeconfig user's
 * credentials — bearer token, client certificate, exec plugin — when the cluster's transport is
 * TLS (`restclient.IsConfigTransportTLS`). Over plain http it sends no token and every request is
 * 401. So each demo apiserver serves https with this certificate, and the demo kubeconfig carries
 * it as `certificate-authority-data`.
 *
 * The certificate is its own trust anchor (CA:TRUE, keyCertSign) and a serving certificate (SAN
 * IP 127.0.0.1 / ::1 and DNS localhost, serverAuth), ECDSA P-256 with SHA-256: accepted by Go's
 * crypto/x509 and by Node/OpenSSL.
 */
export interface SelfSignedCertificate {
  certPem: string;
  keyPem: string;
}

// ---- minimal DER encoding ----------------------------------------------------------------------

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, content: Buffer) =>
  Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octetString = (content: Buffer) => tlv(0x04, content);
const bitString = (content: Buffer, unusedBits = 0) =>
  tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), content]));
const boolean = (value: boolean) => tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const explicit = (tagNumber: number, content: Buffer) => tlv(0xa0 + tagNumber, content);

function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && bytes[start + 1]! < 0x80) start++;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, trimmed[0]! >= 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes = [parts[0]! * 40 + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let v = part >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const pad = (n: number) => String(n).padStart(2, '0');
  const text =
    pad(date.getUTCFullYear() % 100) +
    pad(date.getUTCMonth() + 1) +
    pad(date.getUTCDate()) +
    pad(date.getUTCHours()) +
    pad(date.getUTCMinutes()) +
    pad(date.getUTCSeconds()) +
    'Z';
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

function ipBytes(ip: string): Buffer {
  if (ip.includes(':')) {
    // expand "::1"-style IPv6 addresses
    const [head, tail] = ip.split('::') as [string, string | undefined];
    const headParts = head ? head.split(':') : [];
    const tailParts = tail ? tail.split(':') : [];
    const groups = [...headParts, ...Array(8 - headParts.length - tailParts.length).fill('0'), ...tailParts];
    return Buffer.from(groups.flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]));
  }
  return Buffer.from(ip.split('.').map(Number));
}

const extension = (id: string, critical: boolean, value: Buffer) =>
  sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));

const pem = (label: string, der: Buffer) =>
  `-----BEGIN ${label}-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END ${label}-----\n`;

export function createSelfSignedCertificate(
  options: { commonName?: string; ipAddresses?: string[]; dnsNames?: string[]; validDays?: number } = {},
): SelfSignedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const name = sequence(
    set(sequence(oid('2.5.4.3'), utf8(options.commonName ?? 'fleetdeck-demo-apiserver'))),
  );
  const now = Date.now();
  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;

  const altNames = Buffer.concat([
    ...(options.dnsNames ?? ['localhost']).map((dns) => tlv(0x82, Buffer.from(dns, 'ascii'))),
    ...(options.ipAddresses ?? ['127.0.0.1', '::1']).map((ip) => tlv(0x87, ipBytes(ip))),
  ]);
  const extensions = sequence(
    extension('2.5.29.19', true, sequence(boolean(true))), // basicConstraints CA:TRUE
    extension('2.5.29.15', true, bitString(Buffer.from([0x84]), 2)), // keyUsage digitalSignature, keyCertSign
    extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage serverAuth
    extension('2.5.29.17', false, tlv(0x30, altNames)), // subjectAltName
    extension('2.5.29.14', false, octetString(createHash('sha1').update(spki).digest())), // subjectKeyIdentifier
  );
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ecdsaWithSha256,
    name,
    sequence(
      utcTime(new Date(now - 3600_000)),
      utcTime(new Date(now + (options.validDays ?? 365) * 86400_000)),
    ),
    name,
    spki,
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, ecdsaWithSha256, bitString(signature));
  return {
    certPem: pem('CERTIFICATE', certificate),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
