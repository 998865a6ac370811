import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/core/log/logger';
import { redactSecrets } from '../../../../src/core/log/redact';
import { freshDir } from '../../../support/tmp';

describe('secrets never reach the log in clear', () => {
  let cleanup: () => void = () => {};
  afterEach(() => cleanup());

  it('redacts bearer tokens, URL tokens, API keys and private keys', () => {
    const token = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA';
    const text = [
      `Authorization: Bearer ${token}`,
      `http://127.0.0.1:4000/?token=${token}&x=1`,
      `{"apiKey":"${token}"}`,
      'key sk-abcdefghijklmnopqrstuvwxyz123456',
      'aws AKIAABCDEFGHIJKLMNOP',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----',
    ].join('\n');
    const out = redactSecrets(text);
    expect(out).not.toContain(token);
    expect(out).not.toContain('sk-abcdefghijklmnopqrstuvwxyz123456');
    expect(out).not.toContain('AKIAABCDEFGHIJKLMNOP');
    expect(out).not.toContain('MIIE');
    expect(out).toContain('x=1');
  });

  it('writes log lines to <data-dir>/logs with owner-only permissions, redacted', () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const log = createLogger({ dir: join(tmp.dir, 'logs') });
    log.warn('refused request', { url: '/?token=abcdefghijklmnopqrstuvwxyz' });
    const file = join(tmp.dir, 'logs', 'fleetdeck.log');
    const content = readFileSync(file, 'utf8');
    expect(content).toContain('refused request');
    expect(content).not.toContain('abcdefghijklmnopqrstuvwxyz');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
