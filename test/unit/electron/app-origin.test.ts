import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAppOrigin, describeOrigin } from '../../../electron/main/app-origin';
import { appPaths, devServerUrl } from '../../../electron/main/app-paths';

const rendererDir = join('/opt', 'fleetdeck', 'out', 'renderer');
const fileUrl = (path: string) => pathToFileURL(path).href;

describe('app origin', () => {
  const packaged = createAppOrigin({ rendererDir });

  it('accepts the built renderer and files inside it, with hash routes', () => {
    expect(packaged.isAppUrl(fileUrl(join(rendererDir, 'index.html')))).toBe(true);
    expect(packaged.isAppUrl(fileUrl(join(rendererDir, 'index.html')) + '#/settings')).toBe(true);
    expect(packaged.isAppUrl(fileUrl(join(rendererDir, 'assets', 'index.js')))).toBe(true);
  });

  it('refuses files outside out/renderer, however the path is dressed up', () => {
    expect(packaged.isAppUrl(fileUrl('/etc/passwd'))).toBe(false);
    expect(packaged.isAppUrl(fileUrl(rendererDir))).toBe(false);
    // A sibling folder whose name merely starts with "renderer".
    expect(packaged.isAppUrl(fileUrl(rendererDir + '-evil/index.html'))).toBe(false);
    expect(packaged.isAppUrl(`file://${rendererDir}/../../secrets.html`)).toBe(false);
    expect(packaged.isAppUrl(`file://${rendererDir}/%2e%2e/%2e%2e/secrets.html`)).toBe(false);
    expect(packaged.isAppUrl(`file://${rendererDir}/..%2f..%2fsecrets.html`)).toBe(false);
    // A network share is never our bundle.
    expect(packaged.isAppUrl(`file://evil-host${rendererDir}/index.html`)).toBe(false);
  });

  it('refuses web origins and garbage when no dev server is in use', () => {
    expect(packaged.isAppUrl('http://localhost:5173/')).toBe(false);
    expect(packaged.isAppUrl('https://example.com/')).toBe(false);
    expect(packaged.isAppUrl('not a url')).toBe(false);
    expect(packaged.isAppUrl('')).toBe(false);
  });

  it('accepts exactly the dev server origin in development', () => {
    const dev = createAppOrigin({ rendererDir, devServerUrl: 'http://localhost:5173/' });
    expect(dev.devOrigin).toBe('http://localhost:5173');
    expect(dev.isAppUrl('http://localhost:5173/#/about')).toBe(true);
    expect(dev.isAppUrl('http://localhost:5174/')).toBe(false);
    expect(dev.isAppUrl('https://localhost:5173/')).toBe(false);
    expect(dev.isAppUrl('http://localhost.evil.example:5173/')).toBe(false);
  });

  it('describes origins for logs without query strings', () => {
    expect(describeOrigin('https://evil.example/path?token=secret')).toBe('https://evil.example');
    expect(describeOrigin('file:///opt/x/index.html?token=secret')).toBe('file:///opt/x/index.html');
    expect(describeOrigin('::')).toBe('(unparseable URL)');
    expect(describeOrigin(undefined)).toBe('(none)');
  });
});

describe('app paths', () => {
  it('points the window at the built preload and renderer', () => {
    const paths = appPaths('/app');
    expect(paths.preload).toBe(join('/app', 'out', 'preload', 'index.cjs'));
    expect(paths.rendererIndex).toBe(join('/app', 'out', 'renderer', 'index.html'));
  });

  it('honours ELECTRON_RENDERER_URL only unpackaged and only for a loopback http(s) server', () => {
    expect(devServerUrl(false, { ELECTRON_RENDERER_URL: 'http://localhost:5173' })).toBe(
      'http://localhost:5173/',
    );
    expect(devServerUrl(true, { ELECTRON_RENDERER_URL: 'http://localhost:5173' })).toBeNull();
    expect(devServerUrl(false, { ELECTRON_RENDERER_URL: 'https://evil.example/' })).toBeNull();
    expect(devServerUrl(false, { ELECTRON_RENDERER_URL: 'file:///tmp/x.html' })).toBeNull();
    expect(devServerUrl(false, { ELECTRON_RENDERER_URL: 'nonsense' })).toBeNull();
    expect(devServerUrl(false, {})).toBeNull();
  });
});
