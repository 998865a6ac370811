import { spawn } from 'node:child_process';

/**
 * Opens the URL in the default browser. The URL is one argv entry, never part of a shell string
 * (Lens CVE-2021-23154 was shell injection by concatenation). On Windows, rundll32 opens it
 * without going through cmd.exe and its metacharacters. Failures are ignored: the URL is printed.
 */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [command, args] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', shell: false });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener on this machine (a headless server): the printed URL is enough.
  }
}
