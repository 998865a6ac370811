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
    // Key-shaped strings are assembled here, so no credential-shaped literal is committed
    // (secret scanners would flag it, rightly).
    const openAiKey = ['sk', 'abcdefghijklmnopqrstuvwxyz123456'].join('-');
    const awsKeyId = ['AKIA', 'ABCDEFGHIJKLMNOP'].join('');
    const pem = (edge: string) => `-----${edge} RSA ${['PRIVATE', 'KEY'].join(' ')}-----`;
    const text = [
      `Authorization: Bearer ${token}`,
      `http://127.0.0.1:4000/?token=${token}&x=1`,
      `{"apiKey":"${token}"}`,
      `key ${openAiKey}`,
      `aws ${awsKeyId}`,
      `${pem('BEGIN')}\nMIIE\n${pem('END')}`,
    ].join('\n');
    const out = redactSecrets(text);
    expect(out).not.toContain(token);
    expect(out).not.toContain(openAiKey);
    expect(out).not.toContain(awsKeyId);
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
