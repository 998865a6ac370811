import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { flagSet, flagString } from '../cli-args';
import { printJson, type CliContext } from '../cli-command';
import { CliError } from '../cli-error';

/** export <id> [-o FILE]: the file as the console wrote it, byte for byte (its digest depends on it). */
export async function exportIncident(ctx: CliContext, id: string): Promise<void> {
  const { io, json } = ctx;
  const output = flagString(ctx.args, 'output');
  const file = await ctx.client().call('incidents.export', { id });
  const digest = /"digest":"(sha256:[0-9a-f]{64})"/.exec(file.text)?.[1] ?? null;
  if (output === '-') {
    // io.out adds the newline the file already ends with: the same bytes as the file.
    io.out(file.text.replace(/\n$/, ''));
    return;
  }
  const path = resolve(output ?? file.fileName);
  try {
    // 'wx': an existing file is someone's data; never replaced without being asked.
    writeFileSync(path, file.text, { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      'failed',
      code === 'EEXIST'
        ? `${path} already exists`
        : `cannot write ${path} (${code ?? (error as Error).message})`,
      code === 'EEXIST'
        ? 'name another file with -o FILE, or move the old one away'
        : 'check the folder exists and is writable, or name another file with -o FILE',
    );
  }
  if (json) return printJson(io, { fileName: file.fileName, path, bytes: file.bytes, digest });
  io.out(`Exported ${id} to ${path} (${file.bytes} bytes).`);
}

/** import <file> [--as-copy]: the console checks it whole before writing anything. */
export async function importIncident(ctx: CliContext, path: string): Promise<void> {
  const { io, json } = ctx;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      'failed',
      `cannot read ${path} (${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)})`,
      'give the path of a file written by `fleetdeck incident export`',
    );
  }
  if (text.length === 0)
    throw new CliError('failed', `${path} is empty`, 'export the incident again and import that file');
  const result = await ctx.client().call('incidents.import', { text, asCopy: flagSet(ctx.args, 'as-copy') });
  if (json) return printJson(io, result);
  io.out(result.message);
}
