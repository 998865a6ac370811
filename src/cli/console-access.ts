import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveDataDir } from '../core/app/data-dir';
import { CliError } from './cli-error';

/** Where the running console is and the token it wants, plus how we found out (for error lines). */
export interface ConsoleAccess {
  /** `http://127.0.0.1:PORT`: the origin only, never the printed URL with its `?token=`. */
  origin: string;
  token: string;
  /** "FLEETDECK_URL" or "/data/dir/console.json": named in errors so the user knows what to fix. */
  via: string;
  /** Set when found through a data directory's console.json. */
  dataDir: string | null;
}

export interface FindConsoleInput {
  /** `--data-dir D`, when given. */
  dataDir: string | undefined;
  env: NodeJS.ProcessEnv;
}

/**
 * Precedence: an explicit `--data-dir` (the user asked for that console), then FLEETDECK_URL and
 * FLEETDECK_TOKEN (set inside Fleetdeck terminals), then the data directory the app itself would
 * use (FLEETDECK_DATA_DIR or the OS default) and its console.json.
 */
export function findConsole(input: FindConsoleInput): ConsoleAccess {
  if (input.dataDir !== undefined) return fromConsoleFile(resolve(input.dataDir));
  const url = input.env.FLEETDECK_URL;
  const token = input.env.FLEETDECK_TOKEN;
  if (url || token) return fromEnv(url, token);
  return fromConsoleFile(resolveDataDir({ argv: [], env: input.env }));
}

function fromEnv(url: string | undefined, token: string | undefined): ConsoleAccess {
  if (!url || !token) {
    const missing = url ? 'FLEETDECK_TOKEN' : 'FLEETDECK_URL';
    throw new CliError(
      'unreachable',
      `${url ? 'FLEETDECK_URL' : 'FLEETDECK_TOKEN'} is set but ${missing} is not`,
      'set both (a Fleetdeck terminal sets them), or unset them and pass --data-dir D to use that console.json',
    );
  }
  return { origin: originOf(url, 'FLEETDECK_URL'), token, via: 'FLEETDECK_URL', dataDir: null };
}

function fromConsoleFile(dataDir: string): ConsoleAccess {
  const file = join(dataDir, 'console.json');
  const start = `start Fleetdeck, or \`npm run console -- --data-dir ${shellWord(dataDir)}\`, or pass --data-dir for another data directory`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new CliError(
        'unreachable',
        `no Fleetdeck console is running for ${dataDir} (no console.json)`,
        start,
      );
    if (code === 'EACCES' || code === 'EPERM')
      throw new CliError(
        'refused',
        `cannot read ${file} (permission denied)`,
        'it is owner-only because it holds the token: run fleetdeck as the user who started Fleetdeck',
      );
    throw new CliError('unreachable', `cannot read ${file} (${code ?? (error as Error).message})`, start);
  }

  let info: { url?: unknown; token?: unknown; pid?: unknown };
  try {
    info = JSON.parse(text) as typeof info;
  } catch {
    throw new CliError('unreachable', `${file} is not valid JSON`, `delete it and ${start}`);
  }
  if (typeof info?.url !== 'string' || typeof info.token !== 'string' || info.token === '')
    throw new CliError('unreachable', `${file} has no url and token`, `delete it and ${start}`);
  // A console killed without its shutdown leaves the file behind: say so rather than "refused".
  if (typeof info.pid === 'number' && !processAlive(info.pid))
    throw new CliError(
      'unreachable',
      `the console recorded in ${file} is not running (process ${info.pid} is gone; the file is stale)`,
      start,
    );
  return { origin: originOf(info.url, file), token: info.token, via: file, dataDir };
}

function originOf(url: string, via: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(
      'unreachable',
      `${via} holds "${url.replace(/\?.*$/, '')}", which is not a URL`,
      'it should look like http://127.0.0.1:PORT',
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new CliError(
      'unreachable',
      `${via} is not an http(s) URL`,
      'it should look like http://127.0.0.1:PORT',
    );
  return parsed.origin;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else; only ESRCH means gone.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** A path as the user would type it in a shell (quoted when it has spaces or specials). */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
