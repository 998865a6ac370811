import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Session, WebContents } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppOrigin } from '../../../electron/main/app-origin';
import {
  contentSecurityPolicy,
  externalUrl,
  hardenWebContents,
  installSessionSecurity,
  openExternalSafely,
} from '../../../electron/main/security';
import { FakeWebContents, fakeElectron, fakeEvent, resetFakeElectron } from './fake-electron';
import { logSpy } from './log-spy';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

const rendererDir = join('/opt', 'fleetdeck', 'out', 'renderer');
const appUrl = pathToFileURL(join(rendererDir, 'index.html')).href;
const appOrigin = createAppOrigin({ rendererDir });

beforeEach(() => {
  resetFakeElectron();
});

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('content security policy', () => {
  it('allows scripts and connections only from our own origin, never eval', () => {
    const policy = directives(contentSecurityPolicy(null));
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(contentSecurityPolicy(null)).not.toContain('unsafe-eval');
  });

  it('relaxes only what the Vite dev server needs in development, still without eval', () => {
    const csp = contentSecurityPolicy('http://localhost:5173');
    expect(directives(csp).get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(csp).not.toContain('unsafe-eval');
  });

  it('is added to every response through session.webRequest.onHeadersReceived, replacing any other', () => {
    const ses = fakeElectron.session.defaultSession;
    installSessionSecurity(ses as unknown as Session, { appOrigin, log: logSpy() });
    expect(ses.headersListener).not.toBeNull();
    let headers: Record<string, string[]> | undefined;
    ses.headersListener!(
      { responseHeaders: { 'content-security-policy': ['script-src *'], 'X-Other': ['1'] } },
      (r) => {
        headers = r.responseHeaders;
      },
    );
    expect(headers?.['Content-Security-Policy']).toEqual([contentSecurityPolicy(null)]);
    expect(headers?.['content-security-policy']).toBeUndefined();
    expect(headers?.['X-Other']).toEqual(['1']);
  });
});

describe('permissions', () => {
  const request = (permission: string, requestingUrl = appUrl, isMainFrame = true) => {
    const ses = fakeElectron.session.defaultSession;
    let granted: boolean | undefined;
    ses.permissionRequestHandler!({}, permission, (g) => (granted = g), { requestingUrl, isMainFrame });
    return granted;
  };

  beforeEach(() => {
    installSessionSecurity(fakeElectron.session.defaultSession as unknown as Session, {
      appOrigin,
      log: logSpy(),
    });
  });

  it('denies permission requests by default, even from our own page', () => {
    for (const permission of [
      'notifications',
      'media',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'unknown',
    ]) {
      expect(request(permission), permission).toBe(false);
    }
  });

  it('allows only plain-text clipboard writes, only from our own main frame', () => {
    expect(request('clipboard-sanitized-write')).toBe(true);
    expect(request('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(request('clipboard-sanitized-write', appUrl, false)).toBe(false);
  });

  it('answers permission checks the same way', () => {
    const check = fakeElectron.session.defaultSession.permissionCheckHandler!;
    expect(check(null, 'notifications', 'file:///', { requestingUrl: appUrl, isMainFrame: true })).toBe(
      false,
    );
    expect(check(null, 'media', 'file:///', { requestingUrl: appUrl, isMainFrame: true })).toBe(false);
    expect(
      check(null, 'clipboard-sanitized-write', 'file:///', { requestingUrl: appUrl, isMainFrame: true }),
    ).toBe(true);
    expect(check(null, 'clipboard-sanitized-write', 'https://evil.example', { isMainFrame: false })).toBe(
      false,
    );
  });
});

describe('external links', () => {
  it('accepts parsed http and https URLs only', () => {
    expect(externalUrl('https://docs.example.com/runbook?x=1')).toBe('https://docs.example.com/runbook?x=1');
    expect(externalUrl('http://grafana.internal:3000/d/abc')).toBe('http://grafana.internal:3000/d/abc');
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'file:///etc/passwd',
      'data:text/html,<script>alert(1)</script>',
      'smb://share/x',
      'https://bank.example@evil.example/',
      'not a url',
      '//evil.example/',
      '',
      42,
      null,
    ]) {
      expect(externalUrl(bad), String(bad)).toBeNull();
    }
  });

  it('hands only accepted URLs to shell.openExternal and logs refusals', () => {
    const log = logSpy();
    expect(openExternalSafely('javascript:alert(1)', log)).toBe(false);
    expect(openExternalSafely('file:///etc/passwd', log)).toBe(false);
    expect(openExternalSafely('http://[broken', log)).toBe(false);
    expect(fakeElectron.shell.openExternal).not.toHaveBeenCalled();
    expect(log.warnings()).toHaveLength(3);

    expect(openExternalSafely('https://example.com/', log)).toBe(true);
    expect(fakeElectron.shell.openExternal).toHaveBeenCalledExactlyOnceWith('https://example.com/');
  });
});

describe('web contents hardening', () => {
  function hardened() {
    const contents = new FakeWebContents();
    const log = logSpy();
    hardenWebContents(contents as unknown as WebContents, { appOrigin, log });
    return { contents, log };
  }

  it('denies every new window and opens http(s) links in the browser instead', () => {
    const { contents } = hardened();
    expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: appUrl })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(fakeElectron.shell.openExternal).toHaveBeenCalledExactlyOnceWith('https://example.com/');
  });

  it('prevents navigation to anything but our own page, and logs it', () => {
    const { contents, log } = hardened();
    const foreign = fakeEvent({ url: 'https://evil.example/phish' });
    contents.emit('will-navigate', foreign, foreign.url);
    expect(foreign.defaultPrevented).toBe(true);
    expect(log.warnings()[0]?.fields.origin).toBe('https://evil.example');

    const local = fakeEvent({ url: pathToFileURL('/etc/passwd').href });
    contents.emit('will-navigate', local, local.url);
    expect(local.defaultPrevented).toBe(true);

    const own = fakeEvent({ url: appUrl });
    contents.emit('will-navigate', own, own.url);
    expect(own.defaultPrevented).toBe(false);
  });

  it('prevents redirects away and refuses <webview>', () => {
    const { contents } = hardened();
    const redirect = fakeEvent({ url: 'https://evil.example/' });
    contents.emit('will-redirect', redirect, redirect.url);
    expect(redirect.defaultPrevented).toBe(true);
    const webview = fakeEvent({});
    contents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
  });
});
