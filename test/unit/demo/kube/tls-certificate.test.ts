import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../../../../src/demo/kube/tls-certificate';

describe('createSelfSignedCertificate', () => {
  it('makes a self-signed P-256 CA/serving certificate valid for 127.0.0.1, ::1 and localhost', () => {
    const { certPem, keyPem } = createSelfSignedCertificate({ commonName: 'fleetdeck-demo-test' });
    const cert = new X509Certificate(certPem);
    expect(cert.subject).toBe('CN=fleetdeck-demo-test');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBeDefined();
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    expect(Date.parse(cert.validTo)).toBeGreaterThan(Date.now() + 300 * 86400_000);
    expect(Date.parse(cert.validFrom)).toBeLessThan(Date.now());
  });

  it('uses a fresh key and serial every time', () => {
    const a = new X509Certificate(createSelfSignedCertificate().certPem);
    const b = new X509Certificate(createSelfSignedCertificate().certPem);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.fingerprint256).not.toBe(b.fingerprint256);
  });
});
