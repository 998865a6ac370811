// The `fleetdeck` command line (issue 5), built to out/main/cli.js and started by bin/fleetdeck.
// It is a client of the running console's /api/v1 surface: nothing here opens the database.
import { createInterface } from 'node:readline';
import { runCli } from './cli-program';
import { Interrupted } from './run-follower';
import type { CliIo, LiveScreen } from './cli-command';

const screen = (stream: NodeJS.WriteStream): LiveScreen | null =>
  stream.isTTY ? { write: (text) => void stream.write(text), columns: () => stream.columns || 80 } : null;

const io: CliIo = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
  interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
  screens: { out: screen(process.stdout), err: screen(process.stderr) },
  ask(question) {
    return new Promise((resolve, reject) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      rl.on('SIGINT', () => {
        rl.close();
        reject(new Interrupted());
      });
      rl.question(question, (reply) => {
        rl.close();
        resolve(reply.trim().toLowerCase());
      });
    });
  },
};

// `fleetdeck endpoints | head -3` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

void runCli(process.argv.slice(2), process.env, io).then((code) => {
  // Exit once stdout has drained (a pipe may be asynchronous), even if a keep-alive socket lingers.
  process.stdout.write('', () => process.exit(code));
});
